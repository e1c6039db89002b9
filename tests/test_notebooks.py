"""Every course notebook: structure, contract names, no leaks in the release, and grading through real nbgrader.

For each notebook a throwaway course is built once (per test worker): generate_assignment, then two submissions are
autograded: the source notebook itself (must get full marks on every test cell) and the release (stubs: must get 0
without crashing the grader).
"""
import ast
import re
import subprocess
import sys

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from autograder.checks import registry
from autograder.notebook_cells import nbgrader_meta, solution_lines
from autograder.reference import load_reference
from nbgrader_course import REPO, TempCourse

CONTRACT = {
    "01_linear_classifier": ["add_bias_dimension", "linear_scores", "predict_labels", "accuracy"],
    "02_svm_softmax_loss": ["svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized"],
    "03_gradients": ["eval_numerical_gradient", "svm_loss_grad", "softmax_loss_grad", "train_linear_classifier"],
    "04_backprop": ["Value"],
    "05_mlp": ["affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss", "svm_loss",
               "TwoLayerNet", "sgd", "sgd_momentum", "adam"],
}
ASSIGNMENTS = sorted(CONTRACT)


def notebook_path(assignment):
    return REPO / "notebooks" / assignment / f"{assignment}.ipynb"


def read(assignment):
    return nbformat.read(notebook_path(assignment), as_version=4)


def grade_cells(nb):
    return [c for c in nb.cells if nbgrader_meta(c).get("grade")]


def per_notebook(function):
    """Parametrize over the notebooks, keeping each notebook's tests on one xdist worker (its course is reused)."""
    params = [pytest.param(a, marks=pytest.mark.xdist_group(a), id=a) for a in ASSIGNMENTS]
    return pytest.mark.parametrize("assignment", params)(function)


def test_do_all_five_notebooks_exist():
    missing = [a for a in ASSIGNMENTS if not notebook_path(a).exists()]
    assert not missing, f"missing notebooks: {missing}"


@per_notebook
def test_is_the_notebook_committed_clean_with_valid_nbgrader_metadata(assignment):
    nb = read(assignment)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"outputs not cleared: {cell.source[:60]}"
        if nbgrader_meta(cell):
            MetadataValidator().validate_cell(cell)


def test_are_grade_ids_unique_across_the_course():
    seen = {}
    for assignment in ASSIGNMENTS:
        for cell in read(assignment).cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            if grade_id:
                assert grade_id not in seen, f"{grade_id} in both {seen[grade_id]} and {assignment}"
                seen[grade_id] = assignment


@per_notebook
def test_does_each_contract_name_have_its_own_answer_cell_and_reference(assignment):
    nb = read(assignment)
    answers = [nbgrader_meta(c)["grade_id"] for c in nb.cells
               if nbgrader_meta(c).get("solution") and c.cell_type == "code"]
    reference = load_reference(notebook_path(assignment))
    for name in CONTRACT[assignment]:
        assert name in answers, f"{name} needs an answer cell with grade_id {name!r}"
        assert name in reference, f"executing the answer cells does not define {name}"
        assert any(nbgrader_meta(c).get("grade_id", "").startswith(f"test_{name}") for c in grade_cells(nb))


@per_notebook
def test_is_every_graded_test_cell_decided_by_hidden_checks(assignment):
    checks = registry()
    tests = [nbgrader_meta(c)["grade_id"] for c in grade_cells(read(assignment)) if c.cell_type == "code"]
    assert tests
    unregistered = [t for t in tests if t not in checks]
    assert not unregistered, f"test cells without hidden checks: {unregistered}"
    for cell in grade_cells(read(assignment)):
        if cell.cell_type == "code":
            grade_id = nbgrader_meta(cell)["grade_id"]
            assert cell.source.lstrip().startswith('"""'), f"{grade_id} should start with a docstring"
            assert f'run_hidden_checks("{grade_id}", globals())' in cell.source
            assert has_visible_statement(cell.source), f"{grade_id} needs a visible check after the hidden block"


def has_visible_statement(source):
    """True if, with the hidden block removed, the cell has a statement besides its docstring."""
    visible = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", source, flags=re.S)
    body = ast.parse(visible).body
    return len(body) > 1 or (len(body) == 1 and not isinstance(getattr(body[0], "value", None), ast.Constant))


@per_notebook
def test_does_the_points_table_state_the_total(assignment):
    nb = read(assignment)
    total = sum(float(nbgrader_meta(c)["points"]) for c in grade_cells(nb))
    header = "\n".join(c.source for c in nb.cells[:4] if c.cell_type == "markdown")
    stated = [float(n) for line in header.splitlines() if "total" in line.lower()
              for n in re.findall(r"\d+(?:\.\d+)?", line)]
    assert total in stated, f"the notebook's top should state the total of {total:g} points (found {stated})"


_courses = {}


@pytest.fixture
def graded_course(assignment, tmp_path_factory):
    """A course with ``assignment`` generated and two submissions autograded: 'reference' and 'stubs'."""
    if assignment not in _courses:
        course = TempCourse(tmp_path_factory.mktemp(assignment), [assignment])
        course.generate()
        course.submit("reference", assignment, course.source_notebook(assignment))
        course.submit("stubs", assignment, course.release_notebook(assignment))
        course.autograde(assignment)
        _courses[assignment] = course
    return _courses[assignment]


@pytest.mark.slow
@per_notebook
def test_does_the_source_notebook_get_full_marks_through_autograde(assignment, graded_course):
    cells = graded_course.scores()[("reference", assignment)]
    lost = {name: score for name, score in cells.items() if name.startswith("test_") and score[0] != score[1]}
    verdicts = graded_course.verdicts("reference", assignment)
    details = {name: [c["message"] for c in verdicts.get(name, {}).get("checks", []) if not c["passed"]]
               for name in lost}
    assert not lost, f"the reference solution lost points: {lost}\n{details}"


@pytest.mark.slow
@per_notebook
def test_do_the_release_stubs_score_zero_without_crashing(assignment, graded_course):
    earned, possible = graded_course.total("stubs", assignment)
    assert possible > 0 and earned == 0
    assert graded_course.autograded_notebook("stubs", assignment).cells


@pytest.mark.slow
@per_notebook
def test_does_the_release_leak_no_solution_and_no_hidden_test(assignment, graded_course):
    release = graded_course.release_notebook(assignment).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "autograder", "run_hidden_checks"):
        assert marker not in release, f"the release contains {marker!r}"
    for line in solution_lines(read(assignment)):
        assert line not in release, f"solution line leaked into the release: {line!r}"


@pytest.mark.slow
@per_notebook
def test_does_nbgrader_validate_pass_on_the_source_and_fail_on_the_release(assignment, graded_course):
    source = subprocess.run([sys.executable, "-m", "nbgrader", "validate", str(notebook_path(assignment))],
                            capture_output=True, text=True, cwd=graded_course.root)
    assert "Success! Your notebook passes all the tests." in source.stdout, source.stdout[-3000:] + source.stderr[-2000:]
    release = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "--invert",
                              str(graded_course.release_notebook(assignment))],
                             capture_output=True, text=True, cwd=graded_course.root)
    assert "Success! The notebook does not pass any tests." in release.stdout, release.stdout[-3000:]
