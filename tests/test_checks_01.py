"""Hidden checks of notebook 01 (linear classifier), run in-process against the source notebook's reference.

What every notebook's checks must do (the reference passes, stubs fail, catalogued bugs lose points where they say,
alternatives pass) is asked in test_catalog_checks.py; here: the diagnoses a student reads, the short answers and the
inputs of notebook 01.
"""
import numpy as np
import pytest

from autograder.catalog import load_catalog
from autograder.checks.runner import score
from hidden_checks_harness import failed, judge_variant, messages

ASSIGNMENT = "01_linear_classifier"
BUGS = [entry for entry in load_catalog() if entry.assignment == ASSIGNMENT and entry.is_bug]


def test_does_an_unanswered_short_answer_fail():
    released = "cifar10_weight_shape = None\ncifar10_num_parameters = None\ndigits_num_parameters = None\n"
    results = judge_variant(ASSIGNMENT, "test_q_parameter_count", {"q_parameter_count": released})
    assert all(not result.passed for result in results)


def judge_source(name, source):
    return judge_variant(ASSIGNMENT, f"test_{name}", {name: source})


def test_is_a_prepended_ones_column_named():
    results = judge_source("add_bias_dimension",
                           "def add_bias_dimension(X):\n    return np.hstack([np.ones((len(X), 1)), X])\n")
    assert "values" in failed(results)
    assert "ones comes first" in messages(results)["values"]


def test_is_integer_truncation_explained():
    source = ("def add_bias_dimension(X):\n    out = np.ones((X.shape[0], X.shape[1] + 1), dtype=int)\n"
              "    out[:, :-1] = X\n    return out\n")
    results = judge_source("add_bias_dimension", source)
    assert "integer dtype" in messages(results)["values"]
    assert "dtype" in failed(results)


def test_is_a_mutated_input_reported():
    source = "def add_bias_dimension(X):\n    X[:, -1] = 1\n    return X\n"
    assert "no_mutation" in failed(judge_source("add_bias_dimension", source))


def test_is_a_missing_bias_diagnosed():
    results = judge_source("linear_scores", "def linear_scores(X, W, b):\n    return X @ W\n")
    assert "without the bias" in messages(results)["values"]


def test_is_a_bias_on_the_wrong_axis_diagnosed_when_it_runs_silently():
    results = judge_source("linear_scores", "def linear_scores(X, W, b):\n    return X @ W + b[:, None]\n")
    assert {"values", "square"} <= failed(results)
    assert "wrong axis" in messages(results)["square"]
    assert "raised ValueError" in messages(results)["values"]


def test_are_transposed_scores_diagnosed():
    results = judge_source("linear_scores", "def linear_scores(X, W, b):\n    return (X @ W + b).T\n")
    assert "transposed" in messages(results)["values"]


def test_is_an_argmax_over_axis_0_diagnosed():
    results = judge_source("predict_labels", "def predict_labels(scores):\n    return np.argmax(scores, axis=0)\n")
    assert "axis=1" in messages(results)["square"]


def test_are_float_labels_rejected():
    source = "def predict_labels(scores):\n    return np.argmax(scores, axis=1).astype(float)\n"
    assert "integers" in messages(judge_source("predict_labels", source))["values"]


def test_is_a_search_starting_at_zero_diagnosed():
    entry = next(e for e in BUGS if e.id == "nb01_predict_best_starts_at_zero")
    results = judge_source("predict_labels", entry.source)
    assert "negative" in failed(results) and not {"values", "square"} & failed(results)
    assert "-inf" in messages(results)["negative"]


def test_is_the_column_broadcast_trap_diagnosed():
    results = judge_source("accuracy", "def accuracy(y_pred, y):\n    return float(np.mean(y_pred == y))\n")
    assert failed(results) == {"y_column", "pred_column"}
    assert "N x N" in messages(results)["y_column"]


def test_is_an_in_place_reshape_of_the_labels_named():
    entry = next(e for e in BUGS if e.id == "nb01_accuracy_reshapes_caller")
    results = judge_source("accuracy", entry.source)
    assert failed(results) == {"no_mutation"}
    assert "changed the shape of the caller's y" in messages(results)["no_mutation"]


def test_is_a_count_instead_of_a_fraction_diagnosed():
    source = "def accuracy(y_pred, y):\n    return int(np.sum(y_pred.ravel() == y.ravel()))\n"
    results = judge_source("accuracy", source)
    assert "number of correct predictions" in messages(results)["values"]
    assert "single_number" in failed(results)


def test_does_an_accuracy_that_always_says_zero_earn_nothing():
    results = judge_source("accuracy", "def accuracy(y_pred, y):\n    return 0.0\n")
    assert score(results, 2) == 0


def test_do_float32_inputs_work_for_a_float64_implementation():
    source = "def linear_scores(X, W, b):\n    return X.astype(np.float64) @ W.astype(np.float64) + b\n"
    assert not failed(judge_source("linear_scores", source))


@pytest.mark.parametrize("value, advice", [(30720, "biases"), (3073, "10 classes")])
def test_does_a_wrong_parameter_count_get_a_hint(value, advice):
    source = f"cifar10_weight_shape = (3073, 10)\ncifar10_num_parameters = {value}\ndigits_num_parameters = 650\n"
    results = judge_variant(ASSIGNMENT, "test_q_parameter_count", {"q_parameter_count": source})
    assert failed(results) == {"cifar10_count"}
    assert advice in messages(results)["cifar10_count"]


def test_does_the_notes_layout_for_the_weight_shape_get_a_hint():
    source = "cifar10_weight_shape = (10, 3073)\ncifar10_num_parameters = 30730\ndigits_num_parameters = 650\n"
    results = judge_variant(ASSIGNMENT, "test_q_parameter_count", {"q_parameter_count": source})
    assert failed(results) == {"cifar10_shape"}
    assert "(D + 1, C)" in messages(results)["cifar10_shape"]


@pytest.mark.parametrize("answer, passes", [('{"a", "e"}', True), ('["E", "A"]', True), ('{"A"}', False),
                                            ('{"A", "E", "G"}', False), ('"AE"', False)])
def test_is_the_separability_answer_read_as_a_set_of_letters(answer, passes):
    results = judge_variant(ASSIGNMENT, "test_q_linear_separability",
                            {"q_linear_separability": f"linearly_separable = {answer}\n"})
    assert (not failed(results)) == passes


def test_are_lowercase_letters_accepted_for_choices():
    source = 'bias_change_effect = "b"\nweight_direction = " B "\nscaling_effect = "a"\n'
    results = judge_variant(ASSIGNMENT, "test_q_score_geometry", {"q_score_geometry": source})
    assert not failed(results)


def test_do_the_check_inputs_stay_deterministic():
    from autograder.checks import nb01_linear_classifier as module

    for make_inputs in (module._scores_inputs, module._accuracy_inputs_y_column, module._predict_inputs_negative):
        first, second = make_inputs(), make_inputs()
        assert all(np.array_equal(a, b) for a, b in zip(first, second))
    y_pred, y = module._accuracy_inputs()
    assert np.sum(y_pred == y) == 13 and y.size == 20
