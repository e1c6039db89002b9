"""Run hidden checks in-process, exactly as the pipeline does but without a kernel (fast, for unit tests).

    reference = reference_for("02_svm_softmax_loss")
    results = judge_variant("02_svm_softmax_loss", "test_svm_loss_naive", {"svm_loss_naive": buggy_source})
    assert not passed(results, "reg_large")

Records go through a JSON round trip, like the notebook output they travel in when grading for real.
"""
import json
from pathlib import Path

import nbformat

from autograder.checks.core import JudgeContext
from autograder.checks.runner import judge_all, observe_all
from autograder.reference import load_reference, namespace_from_sources, solution_sources

REPO = Path(__file__).resolve().parents[1]


def notebook_path(assignment):
    return REPO / "notebooks" / assignment / f"{assignment}.ipynb"


def reference_for(assignment):
    return load_reference(notebook_path(assignment))


def sources_with(assignment, replacements):
    """The source notebook's answer-cell sources with some replaced (``{grade_id: source}``)."""
    sources = solution_sources(nbformat.read(notebook_path(assignment), as_version=4))
    unknown = set(replacements) - set(sources)
    if unknown:
        raise KeyError(f"no answer cells {sorted(unknown)} in {assignment}; it has {sorted(sources)}")
    sources.update(replacements)
    return sources


def judge_namespace(test_id, namespace, reference, sources):
    records = json.loads(json.dumps(observe_all(test_id, namespace)))
    return judge_all(test_id, records, JudgeContext(reference, sources))


def judge_variant(assignment, test_id, replacements=None):
    """Judge ``test_id`` for a student whose answers are the reference's with ``replacements`` swapped in."""
    sources = sources_with(assignment, replacements or {})
    namespace = namespace_from_sources(sources, origin="student")
    return judge_namespace(test_id, namespace, reference_for(assignment), sources)


def failed(results):
    """Names of the checks that failed."""
    return {r.name for r in results if not r.passed}


def messages(results):
    return {r.name: r.message for r in results if not r.passed}
