"""The instructor cycle on the fixture course through the `course` command: release, autograde, feedback, report.

Also: re-runs skip finished work, resubmissions and --force grade again, and an interrupted run keeps what it
finished and picks up the rest.
"""
import csv
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from autograder.notebook_cells import code
from mini_class import MiniCourse, environment, shared_course

pytestmark = pytest.mark.slow

WRONG_SCALE = "def scale(x, factor):\n    return x + factor\n"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """A released course with three graded students and their feedback, shared by the tests below."""
    return shared_course(tmp_path_factory, "workflow_cycle", run_the_cycle)


def run_the_cycle(course):
    facts = {}
    for name, args in (("release", ("release", "--bundle", course.root / "bundle.zip")), ("first", None),
                       ("second", ("autograde", "--no-progress")), ("feedback", ("feedback",))):
        if name == "first":
            course.submit("alice", course.source())
            course.submit("bob", course.with_answer("scale", WRONG_SCALE))
            course.submit("carol", course.released())
            args = ("autograde", "--no-progress")
        result = course.run(*args)
        facts[name] = {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
    return facts


def test_does_release_validate_and_write_a_clean_bundle(cycle):
    result = cycle.facts["release"]
    assert result["returncode"] == 0, result["stdout"] + result["stderr"]
    assert "validated mini: source passes, release stubs pass no test" in result["stdout"]
    names = zipfile.ZipFile(cycle.root / "bundle.zip").namelist()
    assert "bundle/notebooks/mini/mini.ipynb" in names
    assert "bundle/course_utils/__init__.py" in names and "bundle/pyproject.toml" in names
    assert any(name.startswith("bundle/datasets/") for name in names)
    assert not [name for name in names if "autograder" in name or "tests/" in name or "__pycache__" in name]
    released = zipfile.ZipFile(cycle.root / "bundle.zip").read("bundle/notebooks/mini/mini.ipynb").decode()
    assert "BEGIN SOLUTION" not in released and "run_hidden_checks" not in released and "x * factor" not in released


def test_does_autograde_grade_everyone_then_skip_them_on_a_rerun(cycle):
    first, second = cycle.facts["first"], cycle.facts["second"]
    assert first["returncode"] == 0, first["stdout"] + first["stderr"]
    assert "3 graded" in first["stdout"]
    assert second["returncode"] == 0 and "3 up to date" in second["stdout"]
    assert cycle.total("alice") == (4, 4) and cycle.total("carol") == (0, 4)
    assert cycle.test_scores("bob") == {"test_scale": (0, 3), "test_q_answer": (1, 1)}


def test_are_a_resubmission_and_force_graded_again(tmp_path):
    course = MiniCourse(tmp_path)
    course.release()
    course.submit("alice", course.with_answer("scale", WRONG_SCALE))
    course.submit("bob", course.source())
    course.run("autograde", "--no-progress")
    course.submit("alice", course.source())  # a corrected resubmission
    again = course.run("autograde", "--no-progress")
    assert "1 graded, 1 up to date" in again.stdout, again.stdout
    assert course.total("alice") == (4, 4)
    forced = course.run("autograde", "--force", "--student", "bob", "--no-progress")
    assert "1 graded" in forced.stdout and "alice" not in forced.stdout


def test_does_an_interrupted_run_keep_its_work_and_the_next_run_finish(tmp_path):
    course = MiniCourse(tmp_path)
    course.release()
    slow = course.source()
    slow.cells.insert(2, code("import time\ntime.sleep(2)"))
    students = [f"s{i}" for i in range(5)]
    for student in students:
        course.submit(student, slow)
    command = [sys.executable, "-m", "autograder.cli", "autograde", "--course", str(course.root), "--jobs", "1",
               "--no-progress"]
    process = subprocess.Popen(command, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(course.stamp(s) for s in students):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err
    assert "interrupted" in err
    finished = [s for s in students if course.stamp(s)]
    assert 1 <= len(finished) < len(students)
    for student in finished:
        assert course.total(student) == (4, 4)
    leftovers = subprocess.run(["pgrep", "-f", str(course.root)], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "a grading kernel outlived the interrupted run"
    rerun = course.run("autograde", "--no-progress")
    assert f"{len(students) - len(finished)} graded, {len(finished)} up to date" in rerun.stdout, rerun.stdout
    assert all(course.total(s) == (4, 4) for s in students)


def test_does_feedback_show_verdicts_but_no_hidden_tests_or_solutions(cycle):
    assert cycle.facts["feedback"]["returncode"] == 0, cycle.facts["feedback"]["stderr"]
    pages = {s: (cycle.root / "feedback" / s / "mini" / "mini.html").read_text() for s in ("alice", "bob", "carol")}
    for student, page in pages.items():
        for secret in ("BEGIN HIDDEN TESTS", "run_hidden_checks", "BEGIN SOLUTION", "x * factor",
                       "application/vnd.course.hidden-checks"):
            assert secret not in page, f"{student}'s feedback shows {secret!r}"
        assert 'class="course-verdict"' in page
    assert "scale multiplies every entry by the factor" in pages["bob"]
    assert "scale([1, 2], 3)" in pages["bob"]  # the visible check's own message stays


def test_does_report_export_totals_and_a_per_test_breakdown(cycle):
    result = cycle.run("report", "--output", cycle.root / "out")
    assert result.returncode == 0, result.stderr
    with open(cycle.root / "out" / "grades.csv") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert totals == {"alice": 4.0, "bob": 1.0, "carol": 0.0}
    with open(cycle.root / "out" / "grades_by_test.csv") as handle:
        rows = {(row["student_id"], row["cell"]): row for row in csv.DictReader(handle)}
    assert rows[("bob", "test_scale")]["failed_checks"] == "values;no_mutation;no_loops"
    assert rows[("bob", "test_scale")]["first_failure"].startswith("scale multiplies every entry by the factor:")
    assert rows[("alice", "why")]["kind"] == "manual"
    assert "most failed checks" in result.stdout and "alice" in result.stdout


def test_does_every_command_explain_itself():
    for command in ("release", "autograde", "feedback", "report", "selftest", "demo"):
        result = subprocess.run([sys.executable, "-m", "autograder.cli", command, "--help"], capture_output=True,
                                text=True, env=environment())
        assert result.returncode == 0 and "--course" in result.stdout, command
    overview = subprocess.run([sys.executable, "-m", "autograder.cli", "--help"], capture_output=True, text=True)
    assert all(name in overview.stdout for name in ("release", "autograde", "feedback", "report", "selftest", "demo"))


def test_is_an_unknown_assignment_a_clear_error(cycle):
    result = cycle.run("autograde", "03_nope")
    assert result.returncode == 2
    assert "unknown assignment(s) 03_nope; the course has mini" in result.stderr
