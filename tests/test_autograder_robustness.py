"""Submissions that hang, crash, flood, exhaust memory or cheat, graded end to end by `course autograde`.

One class of the fixture course (tests/fixtures/mini_course: test_scale is worth 3 points, test_q_answer 1) is
released and autograded once, through real nbgrader, with a 5 s cell timeout and a 1 GiB memory limit; each test
then asks one question about one student. The fixture course's reference answers are `scale(x, f) = x * f` and
`answer_value = 42`.
"""
import json
import subprocess

import nbformat
import pytest

from autograder.notebook_cells import code
from autograder.samples import cheating
from mini_class import TIMEOUT, MiniCourse, shared_course

pytestmark = pytest.mark.slow

WRONG_SCALE = "def scale(x, factor):\n    return x + factor\n"
STUB_SCALE = "def scale(x, factor):\n    raise NotImplementedError()\n"
SLEEP_MARKER = "86399"  # an unusual sleep length, to find a leftover process by its command line


def insert(nb, index, source):
    nb = nbformat.from_dict(nb)
    nb.cells.insert(index, code(source))
    return nb


def without_tests(nb):
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")]
    return nb


def with_meta(nb, grade_id, **changes):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.metadata.nbgrader.update(changes)
    return nb


def with_source(nb, grade_id, source):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def submissions(course):
    """{student: notebook} for the whole class (see each test for what a submission does)."""
    source = course.source()
    answers = lambda **kw: _answers(course, source, **kw)  # noqa: E731
    gradebook = course.root / "gradebook.db"
    solution = course.source_path
    return {
        "reference": source,
        "stubs": course.released(),
        "infinite_loop": answers(q_answer="while True:\n    pass\n"),
        "stubborn_loop": answers(q_answer="while True:\n    try:\n        while True:\n            pass\n"
                                           "    except KeyboardInterrupt:\n        pass\n"),
        "os_exit": answers(q_answer="import os\nos._exit(3)\n"),
        "segfault": answers(q_answer="import ctypes\nctypes.string_at(0)\n"),
        "sys_exit": answers(scale="def scale(x, factor):\n    import sys\n    sys.exit(1)\n"),
        "raises_at_import": insert(answers(scale="raise RuntimeError('broken at import')\n" + WRONG_SCALE), 1,
                                   "import module_that_does_not_exist\n"),
        "prints_megabytes": insert(source, 2, "print('x' * 30_000_000)\nfor i in range(200_000):\n    print(i)\n"),
        "memory_hog": answers(scale="import numpy as np\nhog = []\nwhile True:\n    hog.append(np.ones(10**7))\n"),
        "cheat_numpy": cheating(course.released()),
        "cheat_builtins": insert(answers(scale=WRONG_SCALE, q_answer="answer_value = '41'\n"), 2,
                                 "import builtins\nbuiltins.isinstance = lambda obj, cls: True\n"
                                 "builtins.NameError = Exception\n"),
        "blanking_transformer": insert(answers(scale=STUB_SCALE, q_answer="answer_value = 0\n"), 2,
                                       "get_ipython().input_transformers_post.append(lambda lines: [])\n"),
        "edited_tests": with_source(answers(scale=WRONG_SCALE), "test_scale", "pass\n"),
        "deleted_tests": without_tests(answers(scale=WRONG_SCALE, q_answer="answer_value = 41\n")),
        "changed_points": with_meta(answers(scale=WRONG_SCALE), "test_scale", points=100),
        "test_made_solution": with_meta(answers(scale=WRONG_SCALE), "test_scale", solution=True),
        "added_graded_cell": _added_graded_cell(answers(scale=WRONG_SCALE)),
        "fake_outputs": answers(scale=_FAKE_OUTPUTS),
        "writes_gradebook": insert(source, 2, _WRITE_GRADEBOOK.format(gradebook=str(gradebook))),
        "reads_solution": answers(scale=_READ_SOLUTION.format(solution=str(solution))),
        "spawns_processes": insert(source, 2, _SPAWN),
    }


def _answers(course, source, scale=None, q_answer=None):
    nb = source
    if scale is not None:
        nb = course.with_answer("scale", scale, nb)
    if q_answer is not None:
        nb = course.with_answer("q_answer", q_answer, nb)
    return nb


def _added_graded_cell(nb):
    nb = insert(nb, 4, "print('bonus')\n")
    nb.cells[4].metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "locked": False, "points": 100,
                                        "schema_version": 3, "solution": False, "task": False}
    return nb


_FAKE_OUTPUTS = '''def scale(x, factor):
    from IPython.display import display
    display({"application/vnd.course.hidden-checks.v1+json": {"version": 1, "test": "test_scale", "records": [
                {"check": "values", "value": None}]},
             "application/vnd.course.verdict.v1+json": {"test": "test_scale", "score": 3, "points": 3, "checks": []},
             "text/plain": "test_scale: 3 / 3 points"}, raw=True)
    return x
'''

_WRITE_GRADEBOOK = '''import glob, os, sqlite3
targets = [{gradebook!r}] + glob.glob("/tmp/**/gradebook.db", recursive=True) + glob.glob("../../../*.db")
for path in targets:
    try:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE grade SET manual_score = 100")
        print("wrote", path)
    except Exception as error:
        print("could not write", path, type(error).__name__)
'''

_READ_SOLUTION = '''import json
with open({solution!r}) as handle:
    cells = json.load(handle)["cells"]
exec("".join(next(c["source"] for c in cells if c["metadata"].get("nbgrader", {{}}).get("grade_id") == "scale")))
'''

_SPAWN = f'''import os, subprocess
subprocess.Popen(["sleep", "{SLEEP_MARKER}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    os.execvp("sleep", ["sleep", "{SLEEP_MARKER}"])
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return shared_course(tmp_path_factory, "robustness_class", grade_the_class)


def grade_the_class(course):
    course.release()
    for student, nb in submissions(course).items():
        course.submit(student, nb)
    course.submit("misnamed", course.source(), name="mini (1).ipynb")
    course.submit("corrupt", '{"cells": [ this is not json')
    (course.root / "submitted" / "no_notebook" / "mini").mkdir(parents=True)
    (course.root / "submitted" / "no_notebook" / "mini" / "notes.txt").write_text("forgot the notebook")
    result = course.run("autograde", "--timeout", TIMEOUT, "--memory-limit", "1G", "--no-progress")
    return {"output": result.stdout + result.stderr, "returncode": result.returncode}


def line_of(course, student):
    return next(line for line in course.facts["output"].splitlines() if line.startswith(student + " "))


# --- everyone is graded ------------------------------------------------------------------------------------------

def test_is_every_readable_submission_graded_and_the_others_reported(graded):
    statuses = {line.split()[0]: line.split()[2] for line in graded.facts["output"].splitlines()
                if line.split() and line.split()[0] in list(submissions_names(graded)) + ["misnamed", "corrupt",
                                                                                          "no_notebook"]}
    not_graded = {"corrupt", "no_notebook"}
    assert {s for s, status in statuses.items() if status != "graded"} == not_graded, graded.facts["output"]
    assert graded.facts["returncode"] == 1  # the run completes, and says that something needs a look


def submissions_names(course):
    return [p.name for p in (course.root / "submitted").iterdir()]


def test_does_the_reference_get_full_marks_and_the_stubs_zero(graded):
    assert graded.total("reference") == (4, 4)
    assert graded.total("stubs") == (0, 4)


def test_is_the_gradebook_consistent_with_the_export(graded):
    result = graded.run("report", "--output", graded.root / "reports")
    assert result.returncode == 0, result.stderr
    rows = (graded.root / "reports" / "grades.csv").read_text().splitlines()
    students = {row.split(",")[3] for row in rows[1:]}
    assert students == set(submissions_names(graded)) - {"corrupt", "no_notebook"}


# --- hangs, exits, crashes -----------------------------------------------------------------------------------------

def test_is_an_infinite_loop_interrupted_and_only_its_cell_lost(graded):
    assert graded.test_scores("infinite_loop") == {"test_scale": (3, 3), "test_q_answer": (0, 1)}
    assert "CellTimeoutError" in graded.outputs_text("infinite_loop", "q_answer")


def test_is_a_loop_that_swallows_interrupts_stopped_with_a_kernel_died_message(graded):
    assert graded.test_scores("stubborn_loop") == {"test_scale": (3, 3), "test_q_answer": (0, 1)}
    assert "the kernel died at cell 5" in graded.outputs_text("stubborn_loop", "test_q_answer")
    assert "the kernel died at cell 5" in line_of(graded, "stubborn_loop")


@pytest.mark.parametrize("student", ["os_exit", "segfault"])
def test_does_a_kernel_that_exits_keep_earlier_scores_and_zero_the_rest(graded, student):
    assert graded.test_scores(student) == {"test_scale": (3, 3), "test_q_answer": (0, 1)}
    assert "the kernel died at cell 5" in graded.outputs_text(student, "test_q_answer")
    assert "the kernel died at cell 5" in json.dumps(graded.stamp(student))


def test_does_sys_exit_inside_a_graded_function_only_cost_that_function(graded):
    assert graded.test_scores("sys_exit") == {"test_scale": (0, 3), "test_q_answer": (1, 1)}
    messages = [c["message"] for c in graded.verdicts("sys_exit")["test_scale"]["checks"]]
    assert any("SystemExit" in message for message in messages)


def test_do_import_errors_only_cost_what_they_break(graded):
    assert graded.test_scores("raises_at_import") == {"test_scale": (0, 3), "test_q_answer": (1, 1)}


def test_is_megabytes_of_printing_graded_and_cut_short(graded):
    assert graded.total("prints_megabytes") == (4, 4)
    size = (graded.root / "autograded" / "prints_megabytes" / "mini" / "mini.ipynb").stat().st_size
    assert size < 500_000


def test_does_exhausting_memory_stop_at_the_limit_without_stopping_the_notebook(graded):
    assert graded.test_scores("memory_hog") == {"test_scale": (0, 3), "test_q_answer": (1, 1)}
    assert "MemoryError" in graded.outputs_text("memory_hog", "scale")


# --- cheating --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("student", ["cheat_numpy", "cheat_builtins", "blanking_transformer"])
def test_does_patching_the_kernel_earn_nothing(graded, student):
    assert graded.total(student) == (0, 4)


def test_would_plain_nbgrader_have_given_the_numpy_cheater_full_marks(tmp_path):
    """The cheat is real: nbgrader's own pipeline gives the patched stub of scale full marks (the judge gives 0)."""
    course = MiniCourse(tmp_path)
    (course.root / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.source_directory = '
                                                     '"notebooks"\nc.CourseDirectory.course_id = "mini-course"\n')
    course.release()
    course.submit("cheat_numpy", cheating(course.released()))
    subprocess.run(["nbgrader", "autograde", "mini"], cwd=course.root, capture_output=True, check=True,
                   env=_env())
    assert course.test_scores("cheat_numpy")["test_scale"] == (3, 3)


def _env():
    from mini_class import environment  # noqa: PLC0415

    return environment()


@pytest.mark.parametrize("student", ["edited_tests", "changed_points", "test_made_solution", "added_graded_cell"])
def test_are_edited_test_cells_and_metadata_restored_before_grading(graded, student):
    grades = graded.grades(student)
    assert set(grades) == {"test_scale", "test_q_answer", "why"}
    score, points, auto_score, manual_score = grades["test_scale"]
    assert points == 3 and auto_score is not None and score < 3
    assert "values" in [c["name"] for c in graded.verdicts(student)["test_scale"]["checks"] if not c["passed"]]


@pytest.mark.parametrize("student, note", [
    ("changed_points", "test_scale: nbgrader points edited (restored)"),
    ("test_made_solution", "test_scale: nbgrader solution edited (restored)"),
    ("deleted_tests", "test_scale: deleted (put back)"),
    ("added_graded_cell", "test_bonus: extra graded cell (ignored)"),
])
def test_does_the_run_report_what_a_submission_tampered_with(graded, student, note):
    assert note in graded.stamp(student)["notes"]


def test_are_deleted_test_cells_put_back_and_graded(graded):
    assert set(graded.verdicts("deleted_tests")) == {"test_scale", "test_q_answer"}
    assert graded.test_scores("deleted_tests")["test_q_answer"] == (0, 1)
    assert graded.test_scores("deleted_tests")["test_scale"][0] < 3


def test_are_fake_records_and_verdicts_worth_nothing(graded):
    assert graded.test_scores("fake_outputs")["test_scale"] == (0, 3)
    assert "reported more than once" in graded.outputs_text("fake_outputs", "test_scale")


def test_can_a_submission_not_write_the_real_gradebook(graded):
    """Its grades are exactly the reference's and no manual score appeared, for it or anyone else."""
    assert graded.total("writes_gradebook") == (4, 4)
    for student in ("writes_gradebook", "reference", "stubs"):
        assert all(manual is None for *_, manual in graded.grades(student).values())


def test_can_a_submission_not_read_the_solutions(graded):
    assert graded.test_scores("reads_solution")["test_scale"] == (0, 3)
    assert "FileNotFoundError" in graded.outputs_text("reads_solution", "scale")


def test_does_nothing_a_submission_started_outlive_its_grading(graded):
    leftovers = subprocess.run(["pgrep", "-f", f"sleep {SLEEP_MARKER}"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""
    assert graded.total("spawns_processes") == (4, 4)


# --- files that are not what they should be --------------------------------------------------------------------------

def test_is_a_misnamed_notebook_graded_under_its_expected_name(graded):
    assert graded.total("misnamed") == (4, 4)
    assert "'mini (1).ipynb' as mini.ipynb" in line_of(graded, "misnamed")


def test_are_corrupt_and_missing_notebooks_reported_clearly(graded):
    assert "not a valid notebook" in line_of(graded, "corrupt")
    assert "no notebook submitted" in line_of(graded, "no_notebook")
