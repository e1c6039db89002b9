"""Hidden checks of notebook 02 (SVM and softmax losses), run in-process against the source notebook's reference.

What every notebook's checks must do (the reference passes, stubs fail, catalogued bugs lose points where they say,
alternatives pass) is asked in test_catalog_checks.py; here: the lecture's table, the diagnoses a student reads, the
short answers and the inputs of notebook 02.
"""
import math

import numpy as np
import pytest

from autograder.catalog import load_catalog
from autograder.checks import nb02_svm_softmax_loss as module
from hidden_checks_harness import failed, judge_variant, messages, reference_for

# Buggy answers overflow and take log(0) on purpose; their numpy warnings are expected here.
pytestmark = pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")

ASSIGNMENT = "02_svm_softmax_loss"
BUGS = [entry for entry in load_catalog() if entry.assignment == ASSIGNMENT and entry.is_bug]
SHORT_ANSWERS = {
    "q_loss_bounds": ("svm_loss_min", "svm_loss_max", "softmax_loss_min", "softmax_loss_max"),
    "q_loss_at_init": ("svm_loss_at_init", "softmax_loss_at_init"),
    "q_hinge_variants": ("include_correct_change", "mean_over_classes", "squared_hinge"),
    "q_jiggle": ("jiggle_hinge", "jiggle_softmax", "largest_softmax_loss"),
    "q_regularization": ("l2_prefers", "l1_prefers", "elastic_net_prefers"),
}


def judge_source(name, source):
    return judge_variant(ASSIGNMENT, f"test_{name}", {name: source})


def svm_vectorized(body_lines):
    """A vectorized SVM whose last line (the returned expression) is ``body_lines``."""
    return ("def svm_loss_vectorized(W, X, y, reg):\n"
            "    N = X.shape[0]\n"
            "    scores = X @ W\n"
            "    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)\n"
            "    margins[np.arange(N), y] = 0\n"
            f"    return {body_lines}\n")


def softmax_vectorized(returned):
    """A stable vectorized softmax whose returned expression is ``returned`` (data = the data loss)."""
    return ("def softmax_loss_vectorized(W, X, y, reg):\n"
            "    N = X.shape[0]\n"
            "    scores = X @ W\n"
            "    scores = scores - np.max(scores, axis=1, keepdims=True)\n"
            "    data = np.mean(np.log(np.sum(np.exp(scores), axis=1)) - scores[np.arange(N), y])\n"
            f"    return {returned}\n")


# --- the reference and unanswered short answers ------------------------------------------------------------------

def test_does_the_reference_reproduce_the_lecture_table():
    reference = reference_for(ASSIGNMENT)
    W, X, y, reg = module._table_inputs()
    assert reference["svm_loss_naive"](W, X, y, reg) == pytest.approx(15.8 / 3)
    assert reference["softmax_loss_vectorized"](W, X, y, reg) == pytest.approx(2.758655, rel=1e-6)


@pytest.mark.parametrize("cell, variables", sorted(SHORT_ANSWERS.items()))
def test_does_an_unanswered_short_answer_fail(cell, variables):
    released = "".join(f"{variable} = None\n" for variable in variables)
    results = judge_variant(ASSIGNMENT, f"test_{cell}", {cell: released})
    assert all(not result.passed for result in results)
    assert all("still None" in result.message for result in results)


# --- the diagnoses: each common mistake is named in the student's terms -------------------------------------------

@pytest.mark.parametrize("returned, phrase", [
    ("np.sum(margins) / N", "is missing (reg = 3 here)"),
    ("np.sum(margins) / N + 0.5 * reg * np.sum(W * W)", "no factor 1/2"),
    ("np.sum(margins) / N + 2 * reg * np.sum(W * W)", "doubled"),
    ("np.sum(margins) / N + reg * np.sum(W)", "not squared"),
    ("np.sum(margins) / N + reg * np.sum(np.abs(W))", "L1 regularization"),
    ("np.sum(margins) / N + reg * np.sum(W * W) / N", "divided by N"),
])
def test_is_each_regularization_mistake_named(returned, phrase):
    results = judge_source("svm_loss_vectorized", svm_vectorized(returned))
    assert "reg" in failed(results) and {"table", "random"} - failed(results) == {"table", "random"}
    assert phrase in messages(results)["reg"]


def test_is_a_sum_over_the_examples_diagnosed_even_with_the_regularization_missing():
    results = judge_source("svm_loss_vectorized", svm_vectorized("np.sum(margins)"))
    message = messages(results)["reg"]
    assert "summed over the N = 9 examples" in message and "is missing" in message
    assert "summed over the N = 3 examples" in messages(results)["table"]


def test_is_counting_the_correct_class_diagnosed():
    entry = next(e for e in BUGS if e.id == "nb02_svm_naive_counts_correct_class")
    results = judge_source("svm_loss_naive", entry.source)
    assert {"table", "random", "reg", "float32"} <= failed(results)
    assert "j = y_i" in messages(results)["table"]


@pytest.mark.parametrize("bug_id, phrase", [("nb02_svm_naive_margin_zero", "margin is 0"),
                                            ("nb02_svm_naive_wrong_sign", "wrong sign")])
def test_are_margin_mistakes_diagnosed(bug_id, phrase):
    entry = next(e for e in BUGS if e.id == bug_id)
    assert phrase in messages(judge_source("svm_loss_naive", entry.source))["random"]


def test_is_a_margin_of_two_diagnosed():
    source = svm_vectorized("np.sum(margins) / N + reg * np.sum(W * W)").replace("+ 1)", "+ 2)")
    assert "margin is 2" in messages(judge_source("svm_loss_vectorized", source))["random"]


def test_is_the_mean_over_all_entries_diagnosed():
    results = judge_source("svm_loss_vectorized", svm_vectorized("np.mean(margins) + reg * np.sum(W * W)"))
    assert "N x C" in messages(results)["random"]


def test_does_a_correct_score_broadcast_along_the_wrong_axis_fail_even_where_it_runs():
    entry = next(e for e in BUGS if e.id == "nb02_svm_vectorized_no_keepdims")
    results = judge_source("svm_loss_vectorized", entry.source)
    assert {"table", "square", "random"} <= failed(results)
    assert "returned" in messages(results)["square"]          # a wrong value, not an error: it ran
    assert "column of shape (N, 1)" in messages(results)["square"]
    assert "raised ValueError" in messages(results)["random"]


@pytest.mark.parametrize("returned, phrase", [("data / np.log(10) + reg * np.sum(W * W)", "natural log"),
                                              ("-data + reg * np.sum(W * W)", "wrong sign")])
def test_are_log_mistakes_in_the_softmax_diagnosed(returned, phrase):
    results = judge_source("softmax_loss_vectorized", softmax_vectorized(returned))
    assert phrase in messages(results)["random"]


def test_is_an_unshifted_softmax_told_about_overflow():
    entry = next(e for e in BUGS if e.id == "nb02_softmax_vectorized_no_shift")
    results = judge_source("softmax_loss_vectorized", entry.source)
    assert failed(results) == {"large_scores", "far_rows"}
    assert "overflowed" in messages(results)["large_scores"]


def test_is_a_global_shift_told_to_shift_each_row():
    entry = next(e for e in BUGS if e.id == "nb02_softmax_vectorized_global_max")
    results = judge_source("softmax_loss_vectorized", entry.source)
    assert "far_rows" in failed(results)
    assert not {"table", "random", "reg", "square", "float32", "single", "batch"} & failed(results)
    message = messages(results)["far_rows"]
    assert "thousands apart" in message and "its own maximum" in message


def test_is_the_log_of_an_underflowed_probability_explained():
    entry = next(e for e in BUGS if e.id == "nb02_softmax_vectorized_log_of_probability")
    results = judge_source("softmax_loss_vectorized", entry.source)
    assert failed(results) == {"large_scores"}
    assert "log before dividing" in messages(results)["large_scores"]


def test_is_a_patched_log_of_zero_pointed_out():
    entry = next(e for e in BUGS if e.id == "nb02_softmax_vectorized_clipped_probabilities")
    results = judge_source("softmax_loss_vectorized", entry.source)
    assert {"large_scores", "far_rows"} <= failed(results)
    assert "hiding a log(0)" in messages(results)["far_rows"]


def test_is_a_mutated_weight_matrix_the_only_failure_when_the_values_are_right():
    entry = next(e for e in BUGS if e.id == "nb02_softmax_vectorized_shifts_caller_weights")
    results = judge_source("softmax_loss_vectorized", entry.source)
    assert failed(results) == {"no_mutation"}
    assert "modified its input W" in messages(results)["no_mutation"]


def test_does_a_naive_version_without_loops_lose_only_the_loop_check():
    entry = next(e for e in BUGS if e.id == "nb02_svm_naive_without_loops")
    results = judge_source("svm_loss_naive", entry.source)
    assert failed(results) == {"loops"}
    assert "no Python loop" in messages(results)["loops"]


def test_may_a_naive_version_not_call_the_vectorized_one():
    source = "def softmax_loss_naive(W, X, y, reg):\n    return softmax_loss_vectorized(W, X, y, reg)\n"
    results = judge_source("softmax_loss_naive", source)
    assert failed(results) == {"loops"}
    assert "calls softmax_loss_vectorized" in messages(results)["loops"]


def test_does_calling_the_naive_version_count_as_a_loop():
    entry = next(e for e in BUGS if e.id == "nb02_svm_vectorized_calls_naive")
    results = judge_source("svm_loss_vectorized", entry.source)
    assert failed(results) == {"no_loops"}
    assert "calls svm_loss_naive" in messages(results)["no_loops"]


def test_do_float32_results_pass_and_float32_scalars_encode():
    source = softmax_vectorized("np.float32(data + reg * np.sum(W * W))")
    assert not failed(judge_source("softmax_loss_vectorized", source))


def test_is_an_array_instead_of_a_number_rejected():
    results = judge_source("svm_loss_vectorized", svm_vectorized("np.array([np.sum(margins) / N + reg * np.sum(W * W)])"))
    assert "single number" in messages(results)["table"]


# --- short answers -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, source, passes", [
    ("q_loss_bounds", "svm_loss_min = 0\nsvm_loss_max = float('inf')\nsoftmax_loss_min = 0.0\n"
                      "softmax_loss_max = math.inf\n", True),
    ("q_loss_bounds", "svm_loss_min = 0\nsvm_loss_max = 1e308\nsoftmax_loss_min = 0.0\n"
                      "softmax_loss_max = np.inf\n", False),
    ("q_loss_at_init", "svm_loss_at_init = 9\nsoftmax_loss_at_init = 2.3\n", True),
    ("q_loss_at_init", "svm_loss_at_init = 9.0\nsoftmax_loss_at_init = 2.2\n", False),
    ("q_hinge_variants", "include_correct_change = 1\nmean_over_classes = ' a'\nsquared_hinge = 'c'\n", True),
    ("q_jiggle", "jiggle_hinge = 'b'\njiggle_softmax = 'A'\nlargest_softmax_loss = 2\n", True),
    ("q_jiggle", "jiggle_hinge = 'b'\njiggle_softmax = 'A'\nlargest_softmax_loss = '2'\n", False),
    ("q_regularization", "l2_prefers = 'W2'\nl1_prefers = ' Tie'\nelastic_net_prefers = 'w2'\n", True),
])
def test_are_short_answers_read_leniently_but_not_loosely(cell, source, passes):
    results = judge_variant(ASSIGNMENT, f"test_{cell}", {cell: source})
    assert (not failed(results)) == passes, messages(results)


@pytest.mark.parametrize("source, check, advice", [
    ("svm_loss_at_init = 10.0\nsoftmax_loss_at_init = 1.0\n", "svm_init", "C - 1 terms"),
    ("svm_loss_at_init = 10.0\nsoftmax_loss_at_init = 1.0\n", "softmax_init", "base-10"),
    ("svm_loss_at_init = 9.0\nsoftmax_loss_at_init = 0.1\n", "softmax_init", "probability of the correct class"),
])
def test_do_wrong_values_at_initialization_get_a_hint(source, check, advice):
    results = judge_variant(ASSIGNMENT, "test_q_loss_at_init", {"q_loss_at_init": source})
    assert advice in messages(results)[check]


def test_does_a_bounded_maximum_get_a_hint():
    source = "svm_loss_min = 0.0\nsvm_loss_max = 1.0\nsoftmax_loss_min = 0.0\nsoftmax_loss_max = 1.0\n"
    results = judge_variant(ASSIGNMENT, "test_q_loss_bounds", {"q_loss_bounds": source})
    assert failed(results) == {"svm_max", "softmax_max"}
    assert "grows without bound" in messages(results)["softmax_max"]


# --- the inputs ----------------------------------------------------------------------------------------------------

def test_do_the_check_inputs_stay_deterministic():
    for make_inputs in (module._random_inputs, module._reg_inputs, module._far_rows_inputs,
                        module._large_score_inputs, module._float32_inputs):
        first, second = make_inputs(), make_inputs()
        assert all(np.array_equal(a, b) for a, b in zip(first, second))


def test_do_the_stability_inputs_reach_the_ranges_they_claim():
    W, X, _, _ = module._large_score_inputs()
    scores = X @ W
    assert 5e3 < np.max(np.abs(scores)) <= 1.2e4
    W, X, _, _ = module._far_rows_inputs()
    row_means = np.mean(X @ W, axis=1)
    assert np.ptp(row_means) > 3000 and math.isclose(np.max(np.abs(row_means)), 2000, rel_tol=0.01)


def test_does_the_regularization_input_make_the_term_matter():
    W, X, y, reg = module._reg_inputs()
    data = reference_for(ASSIGNMENT)["svm_loss_vectorized"](W, X, y, 0.0)
    assert reg * np.sum(W * W) > 2 * data
