"""What every notebook's hidden checks must do, asked once for all five notebooks, run in-process.

For each assignment: the notebook's graded test cells are exactly the ones with hidden checks; the reference (the
source notebook's answer cells) defines the graded names and passes every check; stubs fail every check; and the
catalog (autograder/catalog/<assignment>.yaml) holds enough realistic bugs, each of which must lose points in every
test cell it lists, and correct alternatives, which must get full marks in every test cell.

What is particular to one notebook (its diagnoses, special inputs, short answers) stays in tests/test_checks_NN.py.
"""
import functools
import importlib
import math
import re
from dataclasses import dataclass

import nbformat
import numpy as np
import pytest

from autograder.catalog import load_catalog
from autograder.checks import registry
from autograder.checks.runner import score
from hidden_checks_harness import (failed, judge_namespace, judge_variant, messages, notebook_path, reference_for,
                                   sources_with)


@dataclass(frozen=True)
class Notebook:
    """What the shared questions need to know about one assignment."""

    assignment: str
    names: tuple              # what the reference must define: the graded functions and classes
    answers: tuple            # grade_ids of the graded code answers: each needs catalogued bugs and alternatives
    stub_signature: str = None  # if set, ``def <answer>(<signature>)`` raising must fail every check of test_<answer>
    min_bugs: int = 8
    min_alternatives: int = 3

    @property
    def key(self):
        return f"nb{self.assignment[:2]}"

    @property
    def tests(self):
        """The hidden checks of the notebook's test cells: ``{test grade_id: [Check, ...]}``."""
        return importlib.import_module(f"autograder.checks.nb{self.assignment}").TESTS

    @property
    def bugs(self):
        return [entry for entry in load_catalog() if entry.assignment == self.assignment and entry.is_bug]

    @property
    def alternatives(self):
        return [entry for entry in load_catalog() if entry.assignment == self.assignment and not entry.is_bug]


NOTEBOOKS = [
    Notebook("01_linear_classifier",
             names=("add_bias_dimension", "linear_scores", "predict_labels", "accuracy"),
             answers=("add_bias_dimension", "linear_scores", "predict_labels", "accuracy"),
             stub_signature="*args"),
    Notebook("02_svm_softmax_loss",
             names=("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized"),
             answers=("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized"),
             stub_signature="W, X, y, reg"),
    Notebook("03_gradients",
             names=("eval_numerical_gradient", "sigmoid_unit_loss_grad", "svm_loss_grad", "softmax_loss_grad",
                    "train_linear_classifier"),
             answers=("eval_numerical_gradient", "sigmoid_unit_loss_grad", "svm_loss_grad", "softmax_loss_grad",
                      "train_linear_classifier"),
             stub_signature="*args, **kwargs"),
    # The Layer class is written in the MLP answer cell, so it is a name to define but not an answer of its own.
    Notebook("04_backprop",
             names=("Value", "sigmoid_unit_grads", "Neuron", "Layer", "MLP"),
             answers=("sigmoid_unit_grads", "Value", "Neuron", "MLP")),
    Notebook("05_mlp",
             names=("affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss", "svm_loss",
                    "accuracy_from_scores", "TwoLayerNet", "sgd", "sgd_momentum", "adam"),
             answers=("affine_forward", "affine_backward", "relu_forward", "relu_backward", "softmax_loss",
                      "svm_loss", "accuracy_from_scores", "TwoLayerNet", "sgd", "sgd_momentum", "adam")),
]


def per_notebook():
    return pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[notebook.key for notebook in NOTEBOOKS])


def per_test_cell():
    cases = [(notebook, test_id) for notebook in NOTEBOOKS for test_id in sorted(notebook.tests)]
    return pytest.mark.parametrize("notebook, test_id", cases,
                                   ids=[f"{notebook.key}-{test_id}" for notebook, test_id in cases])


def per_entry(kind):
    cases = [(notebook, entry) for notebook in NOTEBOOKS
             for entry in (notebook.bugs if kind == "bug" else notebook.alternatives)]
    return pytest.mark.parametrize("notebook, entry", cases, ids=[entry.id for _, entry in cases])


# --- the notebook, the registry and the reference -----------------------------------------------------------

def test_is_every_catalogued_assignment_asked_about_here():
    catalogued = {entry.assignment for entry in load_catalog()}
    listed = {notebook.assignment for notebook in NOTEBOOKS}
    assert catalogued <= listed, f"add {sorted(catalogued - listed)} to NOTEBOOKS"


@per_notebook()
def test_are_exactly_the_notebooks_graded_test_cells_checked(notebook):
    nb = nbformat.read(notebook_path(notebook.assignment), as_version=4)
    test_cells = {cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
                  if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}
    checked = set(notebook.tests)
    assert test_cells == checked, (f"graded cells without checks: {sorted(test_cells - checked)}; "
                                   f"checks without a graded cell: {sorted(checked - test_cells)}")
    assert test_cells <= set(registry()), sorted(test_cells - set(registry()))


@per_notebook()
def test_does_the_reference_define_every_contract_name(notebook):
    reference = reference_for(notebook.assignment)
    missing = [name for name in notebook.names if not callable(reference.get(name))]
    assert not missing, f"the answer cells of {notebook.assignment} do not define {missing}"


@per_test_cell()
def test_does_the_reference_pass_every_check(notebook, test_id):
    results = judge_variant(notebook.assignment, test_id)
    assert not failed(results), messages(results)


# --- stubs ----------------------------------------------------------------------------------------------------

STUB = '''def {name}({signature}):
    """Unanswered, as released to students."""
    raise NotImplementedError()
'''
SOLUTION_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION", re.S | re.M)


@pytest.mark.parametrize("notebook, name", [(notebook, name) for notebook in NOTEBOOKS if notebook.stub_signature
                                            for name in notebook.answers],
                         ids=[f"{notebook.key}-{name}" for notebook in NOTEBOOKS if notebook.stub_signature
                              for name in notebook.answers])
def test_does_a_stub_fail_every_check_of_its_cell(notebook, name):
    stub = STUB.format(name=name, signature=notebook.stub_signature)
    results = judge_variant(notebook.assignment, f"test_{name}", {name: stub})
    assert all(not result.passed for result in results), [r.name for r in results if r.passed]


def release_stubs(assignment):
    """The answer cells as the release shows them: each solution region replaced by nbgrader's code stub."""
    return dict(_release_stubs(assignment))


@functools.lru_cache(maxsize=None)
def _release_stubs(assignment):
    def stub(match):
        return f"{match.group(1)}# YOUR CODE HERE\n{match.group(1)}raise NotImplementedError()"

    return {grade_id: SOLUTION_REGION.sub(stub, source) for grade_id, source in sources_with(assignment, {}).items()}


def run_like_a_kernel(sources):
    """Execute answer cells in order the way a notebook does: a cell that raises does not stop the next ones."""
    namespace = {"np": np, "math": math, "__name__": "student"}
    for grade_id, source in sources.items():
        try:
            exec(compile(source, f"student:{grade_id}", "exec"), namespace)
        except NotImplementedError:
            pass
    return namespace


@per_test_cell()
def test_do_the_release_stubs_fail_every_check(notebook, test_id):
    sources = release_stubs(notebook.assignment)
    unstubbed = [grade_id for grade_id, source in sources.items() if "NotImplementedError" not in source]
    assert not unstubbed, f"answer cells without a solution region: {unstubbed}"
    results = judge_namespace(test_id, run_like_a_kernel(sources), reference_for(notebook.assignment), sources)
    assert not [r.name for r in results if r.passed], f"{test_id} gives points to stubs"


# --- the catalog ------------------------------------------------------------------------------------------------

@per_notebook()
def test_does_the_catalog_hold_enough_bugs_and_alternatives(notebook):
    bugs, alternatives = notebook.bugs, notebook.alternatives
    assert len(bugs) >= notebook.min_bugs, f"{len(bugs)} bugs, at least {notebook.min_bugs} wanted"
    assert len(alternatives) >= notebook.min_alternatives, (f"{len(alternatives)} alternatives, at least "
                                                            f"{notebook.min_alternatives} wanted")
    answer_cells = set(sources_with(notebook.assignment, {}))
    assert set(notebook.answers) <= answer_cells, sorted(set(notebook.answers) - answer_cells)
    for kind, entries in (("bugs", bugs), ("alternatives", alternatives)):
        covered = {entry.answer for entry in entries}
        assert covered == set(notebook.answers), (f"answers without {kind}: {sorted(set(notebook.answers) - covered)}; "
                                                  f"{kind} for other cells: {sorted(covered - set(notebook.answers))}")
    unknown = [(entry.id, test_id) for entry in bugs for test_id in entry.caught_by if test_id not in notebook.tests]
    assert not unknown, f"caught_by names test cells without checks: {unknown}"


@per_entry("bug")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # buggy answers overflow and take log(0) on purpose
def test_does_each_catalogued_bug_lose_points_where_it_says(notebook, entry):
    for test_id in entry.caught_by:
        results = judge_variant(notebook.assignment, test_id, {entry.answer: entry.source})
        assert failed(results), f"{entry.id} ({entry.mistake}) passed every check of {test_id}"
        assert score(results, 1.0) < 1.0, (f"{entry.id} ({entry.mistake}) failed {sorted(failed(results))} of "
                                           f"{test_id} but lost no points")


@per_entry("alternative")
def test_does_each_catalogued_alternative_pass_everything(notebook, entry):
    # Each test cell is judged in a fresh namespace, for every notebook alike; one kernel running all the cells in
    # turn is what `course selftest` exercises, through the real pipeline.
    for test_id in sorted(notebook.tests):
        results = judge_variant(notebook.assignment, test_id, {entry.answer: entry.source})
        assert not failed(results), f"{entry.id} ({entry.mistake}) loses points in {test_id}: {messages(results)}"
