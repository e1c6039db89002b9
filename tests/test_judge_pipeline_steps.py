"""The small nbgrader steps the course adds around the judge, each on a hand-made notebook (fast, no kernel).

RestoreCellMetadata (sanitize), TruncateOutput (autograde), HideInstructorCode (feedback).
"""
import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.gradebook_schema import use_in_process_schema_version
from autograder.feedback import HideInstructorCode, strip_regions
from autograder import notebook_cells as cells
from autograder.output_limits import TruncateOutput
from autograder.probe import RECORDS_MIME
from autograder.sanitize import RestoreCellMetadata

TEST_SOURCE = '''"""Checks scale."""
### BEGIN HIDDEN TESTS
from autograder.probe import run_hidden_checks
run_hidden_checks("test_scale", globals())
### END HIDDEN TESTS
check_close(scale(1, 2), 2, "scale(1, 2)")'''
ANSWER_SOURCE = "def scale(x, factor):\n    ### BEGIN SOLUTION\n    return x * factor\n    ### END SOLUTION\n"


def source_notebook():
    return cells.new_notebook([cells.markdown("# Mini"), cells.answer("scale", ANSWER_SOURCE),
                               cells.test("test_scale", 3, TEST_SOURCE),
                               cells.written_answer("why", 2, "### BEGIN SOLUTION\nBecause.\n### END SOLUTION")])


@pytest.fixture(scope="module")
def gradebook_file(tmp_path_factory):
    """A gradebook that knows the notebook above, built the way generate_assignment records it (once: it is slow)."""
    from nbgrader.preprocessors import SaveCells  # noqa: PLC0415

    use_in_process_schema_version()
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    url = f"sqlite:///{path}"
    with Gradebook(url) as gradebook:
        gradebook.update_or_create_assignment("mini")
    SaveCells().preprocess(source_notebook(), {"nbgrader": {"db_url": url, "assignment": "mini", "notebook": "mini"}})
    return path


@pytest.fixture
def gradebook_url(gradebook_file, tmp_path):
    shutil.copyfile(gradebook_file, tmp_path / "gradebook.db")
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


def restored(nb, url):
    resources = {"nbgrader": {"db_url": url, "assignment": "mini", "notebook": "mini", "student": "alice"}}
    return RestoreCellMetadata().preprocess(nb, resources)[0]


def meta(nb, grade_id):
    return next(c.metadata.get("nbgrader") for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == grade_id)


def test_does_restoring_undo_a_test_cell_turned_into_a_solution_worth_100(gradebook_url):
    nb = source_notebook()
    meta(nb, "test_scale").update(solution=True, points=100, locked=False)
    nb = restored(nb, gradebook_url)
    assert {k: meta(nb, "test_scale")[k] for k in ("grade", "solution", "locked", "points")} == \
        {"grade": True, "solution": False, "locked": True, "points": 3}


def test_does_restoring_ungrade_an_answer_cell_a_student_marked_as_graded(gradebook_url):
    nb = source_notebook()
    meta(nb, "scale").update(grade=True, points=50)
    nb = restored(nb, gradebook_url)
    assert meta(nb, "scale")["grade"] is False and "points" not in meta(nb, "scale")


def test_does_restoring_strip_cells_the_assignment_does_not_know(gradebook_url):
    nb = source_notebook()
    nb.cells.append(cells.test("test_bonus", 100, "pass"))
    nb = restored(nb, gradebook_url)
    assert "nbgrader" not in nb.cells[-1].metadata
    assert nb.cells[-1].source == "pass"


def test_are_hidden_tests_and_solution_regions_stripped_for_feedback():
    assert strip_regions(TEST_SOURCE) == '"""Checks scale."""\ncheck_close(scale(1, 2), 2, "scale(1, 2)")'
    assert strip_regions(ANSWER_SOURCE) == "def scale(x, factor):\n"
    commented = "# ### BEGIN HIDDEN TESTS\n# secret()\n# ### END HIDDEN TESTS\nvisible()"
    assert strip_regions(commented) == "visible()"
    assert strip_regions("a()\n### BEGIN SOLUTION\nnever closed") == "a()\n"


def test_does_feedback_hide_records_and_test_tracebacks_but_keep_the_verdict():
    nb = source_notebook()
    cell = nb.cells[2]
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={RECORDS_MIME: {"records": []}, "text/plain": "records"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<div class='course-verdict'>ok</div>"}),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="wrong",
                               traceback=["Traceback", "run_hidden_checks(...)  # the hidden line"]),
    ]
    step = HideInstructorCode()
    nb, _ = step(nb, {})
    cell = nb.cells[2]
    assert "run_hidden_checks" not in cell.source
    assert [o.output_type for o in cell.outputs] == ["display_data", "error"]
    assert cell.outputs[0].data["text/html"].startswith("<div class='course-verdict'>")
    assert cell.outputs[1].traceback == ["AssertionError: wrong"]


def test_are_long_outputs_cut_and_huge_ones_dropped():
    nb = cells.new_notebook([cells.answer("scale", "print('x')")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="x" * 50_000),
        nbformat.v4.new_output("display_data", data={"image/png": "A" * 3_000_000, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "short"}, execution_count=1),
    ]
    nb, _ = TruncateOutput()(nb, {})
    text, image, result = nb.cells[0].outputs
    assert len(text.text) < 20_100 and text.text.endswith("30000 more characters cut]\n")
    assert image.output_type == "stream" and "bytes was removed" in image.text
    assert result.data["text/plain"] == "short"
