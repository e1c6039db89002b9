"""Hidden checks of notebook 03 (gradients), run in-process against the source notebook's reference.

What every notebook's checks must do (the reference passes, stubs fail, catalogued bugs lose points where they say,
alternatives pass) is asked in test_catalog_checks.py; here: the diagnoses a student reads, the short answers, the
recording loss and the inputs of notebook 03.
"""
import warnings

import numpy as np
import pytest

from autograder.catalog import load_catalog
from autograder.checks import nb03_gradients as module
from autograder.checks.nb03_gradients import TESTS
from hidden_checks_harness import failed, judge_variant, messages, reference_for

ASSIGNMENT = "03_gradients"
ENTRIES = [entry for entry in load_catalog() if entry.assignment == ASSIGNMENT]


def judge(name, source):
    """Judge the test cell of ``name`` for a student whose answer cell ``name`` holds ``source``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # overflow in the unstable softmax bugs, on purpose
        return judge_variant(ASSIGNMENT, f"test_{name}", {name: source})


def entry(entry_id):
    return next(e for e in ENTRIES if e.id == entry_id)


@pytest.mark.parametrize("answer_id, released", [
    ("q_difference_order", "forward_error_factor = None\ncentered_error_factor = None\n"),
    ("q_numerical_cost", "cifar10_loss_evaluations = None\n"),
    ("q_perceptron", "perceptron_grad_at_1 = None\nperceptron_best_w = None\n"),
    ("q_learning_rate", "curve_explodes = None\ncurve_slow = None\ncurve_plateau = None\n"),
])
def test_does_an_unanswered_short_answer_fail(answer_id, released):
    results = judge_variant(ASSIGNMENT, f"test_{answer_id}", {answer_id: released})
    assert all(not result.passed for result in results)


# --- eval_numerical_gradient ----------------------------------------------------------------------------------

def test_are_forward_differences_named():
    results = judge("eval_numerical_gradient", entry("nb03_numgrad_forward").source)
    assert {"values", "step"} <= failed(results)
    assert "forward differences" in messages(results)["values"]


def test_is_an_ignored_step_the_only_failure_and_named():
    results = judge("eval_numerical_gradient", entry("nb03_numgrad_ignores_h").source)
    assert failed(results) == {"step"}
    assert "use the h argument" in messages(results)["step"]


def test_is_a_missing_restore_diagnosed_from_the_values_and_from_x():
    results = judge("eval_numerical_gradient", entry("nb03_numgrad_not_restored").source)
    assert "left at x - h" in messages(results)["values"]
    assert "changed by h" in messages(results)["unchanged"]


def test_is_an_arithmetic_restore_caught_as_rounding_even_though_the_values_are_right():
    results = judge("eval_numerical_gradient", entry("nb03_numgrad_arithmetic_restore").source)
    assert "values" not in failed(results) and "step" not in failed(results)
    assert "by rounding only" in messages(results)["unchanged"]


def test_does_a_missing_finally_lose_only_the_raising_check():
    results = judge("eval_numerical_gradient", entry("nb03_numgrad_no_finally").source)
    assert failed(results) == {"f_raises"}
    assert "finally" in messages(results)["f_raises"]


def test_is_a_swallowed_error_from_f_reported():
    original = entry("nb03_numgrad_nditer_in_place").source
    swallowing = "        except RuntimeError:\n            return grad\n        finally:\n"
    source = original.replace("        finally:\n", swallowing)
    assert source != original
    results = judge("eval_numerical_gradient", source)
    assert failed(results) == {"f_raises"}
    assert "did not reach the caller" in messages(results)["f_raises"]


# --- sigmoid_unit_loss_grad -----------------------------------------------------------------------------------

def test_is_a_sign_error_of_the_sigmoid_gradient_named():
    results = judge("sigmoid_unit_loss_grad", entry("nb03_sigmoid_sign").source)
    assert failed(results) == {"dw", "no_loops"}
    assert "wrong sign" in messages(results)["dw"]


# --- svm_loss_grad and softmax_loss_grad ----------------------------------------------------------------------

def test_is_a_missing_regularization_gradient_diagnosed_and_the_data_gradient_kept():
    results = judge("svm_loss_grad", entry("nb03_svm_grad_no_reg").source)
    assert "dW_reg" in failed(results) and not {"loss", "dW"} & failed(results)
    assert "regularization gradient is missing" in messages(results)["dW_reg"]


@pytest.mark.parametrize("bug_id", ["nb03_svm_grad_reg_without_2", "nb03_softmax_grad_reg_without_2"])
def test_is_reg_times_w_named_as_the_missing_factor_2(bug_id):
    bug = entry(bug_id)
    results = judge(bug.answer, bug.source)
    assert "2 * reg * W" in messages(results)["dW_reg"]
    assert "is reg * W" in messages(results)["dW_reg"]


def test_is_a_gradient_not_divided_by_n_named():
    results = judge("svm_loss_grad", entry("nb03_svm_grad_not_averaged").source)
    assert "not divided by N" in messages(results)["dW"]


def test_is_the_missing_correct_class_column_named():
    results = judge("svm_loss_grad", entry("nb03_svm_grad_no_correct_column").source)
    assert "correct classes' columns" in messages(results)["dW"]


@pytest.mark.parametrize("bug_id, check", [("nb03_svm_grad_counts_correct_class", "loss"),
                                           ("nb03_softmax_grad_log10_loss", "loss")])
def test_is_a_wrong_loss_with_a_right_gradient_reported_separately(bug_id, check):
    bug = entry(bug_id)
    results = judge(bug.answer, bug.source)
    assert check in failed(results)
    assert not {"dW", "dW_reg", "no_loops"} & failed(results)


def test_is_a_right_loss_with_a_wrong_gradient_reported_separately():
    results = judge("softmax_loss_grad", entry("nb03_softmax_grad_no_minus_one").source)
    assert "dW" in failed(results) and "loss" not in failed(results)
    assert "without the - 1" in messages(results)["dW"]


def test_is_softmax_overflow_explained():
    results = judge("softmax_loss_grad", entry("nb03_softmax_grad_unstable").source)
    assert failed(results) == {"stable"}
    assert "keepdims=True" in messages(results)["stable"]


def test_does_a_mismatch_fall_back_on_a_numerical_gradient_of_the_correct_loss():
    source = entry("nb03_svm_grad_no_reg").source.replace("return loss, X.T @ dscores / N",
                                                          "return loss, X.T @ dscores / N + 0.01 * W ** 2")
    results = judge("svm_loss_grad", source)
    assert "Against a numerical gradient of the correct loss" in messages(results)["dW"]


def test_does_a_float32_implementation_pass():
    source = entry("nb03_svm_grad_where_and_one_hot").source
    assert not failed(judge("svm_loss_grad", source))


def test_is_a_mutated_w_reported():
    source = entry("nb03_softmax_grad_reg_without_2").source.replace(
        "return loss, X.T @ P / N + reg * W", "W *= 1.0 + 1e-9\n    return loss, X.T @ P / N + 2 * reg * W")
    results = judge("softmax_loss_grad", source)
    assert "unchanged" in failed(results)
    assert "modified W in place" in messages(results)["unchanged"]


# --- train_linear_classifier ----------------------------------------------------------------------------------

def test_is_a_single_minibatch_caught_by_the_recording_loss_grad():
    results = judge("train_linear_classifier", entry("nb03_train_one_batch").source)
    assert "resampled" in failed(results)
    assert "same minibatch" in messages(results)["resampled"]


def test_is_the_global_generator_caught_by_repeating_a_seed():
    results = judge("train_linear_classifier", entry("nb03_train_global_rng").source)
    assert failed(results) == {"seed"}
    assert "default_rng(seed)" in messages(results)["seed"]


def test_is_an_ascent_named():
    results = judge("train_linear_classifier", entry("nb03_train_ascends").source)
    assert "up the gradient" in messages(results)["steps"]


def test_is_an_ignored_learning_rate_measured():
    results = judge("train_linear_classifier", entry("nb03_train_fixed_learning_rate").source)
    assert "0.001 times -dW" in messages(results)["steps"]


def test_is_a_wrong_batch_size_reported_with_the_shapes_received():
    results = judge("train_linear_classifier", entry("nb03_train_whole_set").source)
    assert failed(results) == {"batch_size"}
    assert "(40, 3)" in messages(results)["batch_size"]


def test_is_a_count_of_distinct_labels_reported_by_the_recorder():
    results = judge("train_linear_classifier", entry("nb03_train_counts_labels").source)
    assert "C = max(y) + 1 = 5" in messages(results)["calls"]


def test_does_the_recording_bowl_record_copies_and_compute_its_gradient():
    W_star = np.arange(6.0).reshape(2, 3)
    bowl = module.RecordingBowl(W_star)
    W = np.ones((2, 3))
    loss, dW = bowl(W, np.zeros((4, 2)), np.zeros(4, dtype=int), 0.5)
    W += 1.0
    assert np.array_equal(bowl.calls[0]["W"], np.ones((2, 3)))
    assert loss == pytest.approx(np.sum((1 - W_star) ** 2) + 0.5 * 6)
    assert np.allclose(dW, 2 * (1 - W_star) + 1.0)
    with pytest.raises(ValueError, match="C = max"):
        bowl(np.ones((2, 2)), np.zeros((4, 2)), np.zeros(4, dtype=int), 0.0)


def test_do_the_check_inputs_stay_deterministic():
    for make_inputs in (module._numgrad_matrix, module._table_inputs, module._far_rows_inputs,
                        module.LINEAR_REG_CASES[0][1], module.SIGMOID_CASES[0][1]):
        (first, _), (second, _) = make_inputs(), make_inputs()
        assert all(np.array_equal(a, b) for a, b in zip(first, second) if isinstance(a, np.ndarray))
    X, y, W_star = module._bowl_problem()
    assert int(np.max(y)) + 1 == 5 and 3 not in y and np.array_equal(X[:, 0], np.arange(40))


def test_does_an_endless_loop_fail_its_check_without_hanging_the_others():
    from autograder.checks.core import JudgeContext
    from autograder.checks.runner import judge_all, observe_all

    source = "def eval_numerical_gradient(f, x, h=1e-5):\n    while True:\n        pass\n"
    namespace = {"np": np}
    exec(source, namespace)
    limits = {check: check.time_limit for check in TESTS["test_eval_numerical_gradient"]}
    try:
        for check in limits:
            check.time_limit = 0.2
        records = observe_all("test_eval_numerical_gradient", namespace)
    finally:
        for check, limit in limits.items():
            check.time_limit = limit
    results = judge_all("test_eval_numerical_gradient", records,
                        JudgeContext(reference_for(ASSIGNMENT), {"eval_numerical_gradient": source}))
    assert all(not result.passed for result in results)
    assert "took longer than" in messages(results)["values"]
