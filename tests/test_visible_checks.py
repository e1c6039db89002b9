"""course_utils.checks: what a student sees when a visible check passes or fails."""
import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import CheckFailed


def test_does_check_close_print_a_tick_when_values_match(capsys):
    checks.check_close(5.2667, 5.2667, "loss on the table")
    assert capsys.readouterr().out.startswith("\N{CHECK MARK} loss on the table: 5.2667 as expected")


def test_is_check_failed_an_assertion_error_with_expected_given_and_hint():
    with pytest.raises(AssertionError) as caught:
        checks.check_close(2.93, 5.2667, "loss on the table", rtol=1e-3, hint="is the data loss a mean?")
    assert isinstance(caught.value, CheckFailed)
    assert str(caught.value) == "loss on the table: expected 5.2667, got 2.93\nHint: is the data loss a mean?"


def test_does_check_close_point_at_the_worst_entry_of_an_array():
    expected = np.zeros((3, 4))
    actual = expected.copy()
    actual[2, 1] = 0.5
    with pytest.raises(CheckFailed, match=r"8% of the entries differ; worst at index \(2, 1\): expected 0, got 0.5"):
        checks.check_close(actual, expected, "dW")


@pytest.mark.parametrize("actual, phrase", [
    (np.array([1.0, 2.0]), "expected a single number, got an array of shape (2,)"),
    ("five", "expected a number or a numeric array, got str"),
    (float("nan"), "got NaN or inf"),
])
def test_does_check_close_explain_shape_type_and_nan_problems(actual, phrase):
    with pytest.raises(CheckFailed) as caught:
        checks.check_close(actual, 1.0, "loss")
    assert phrase in str(caught.value)


def test_does_check_close_compare_shapes_of_arrays():
    with pytest.raises(CheckFailed, match=r"expected shape \(2, 3\), got \(3, 2\)"):
        checks.check_close(np.zeros((3, 2)), np.zeros((2, 3)), "scores")


def test_do_check_shape_and_check_unchanged_report_both_ways(capsys):
    checks.check_shape(np.zeros((5, 3)), (5, 3), "scores")
    before = np.arange(4.0)
    checks.check_unchanged(before, before.copy(), "X")
    out = capsys.readouterr().out
    assert "scores: shape (5, 3)" in out and "X: input left unchanged" in out
    with pytest.raises(CheckFailed, match=r"expected shape \(5, 3\), got \(3, 5\)"):
        checks.check_shape(np.zeros((3, 5)), (5, 3), "scores")
    with pytest.raises(CheckFailed, match="modified its input array in place"):
        checks.check_unchanged(before, before * 2, "X")


def test_does_check_true_pass_or_fail_with_the_problem():
    checks.check_true(True, "labels are ints", "unused")
    with pytest.raises(CheckFailed, match="labels are ints: got float64"):
        checks.check_true(False, "labels are ints", "got float64")


def loop_function(x):
    total = 0
    for value in x:
        total += value
    return total


def vector_function(x):
    return np.sum(x)


def test_does_check_no_loops_read_the_function_source():
    checks.check_no_loops(vector_function)
    with pytest.raises(CheckFailed, match="found a Python loop or comprehension on line 3"):
        checks.check_no_loops(loop_function)
    with pytest.raises(CheckFailed, match="could not read the function's source"):
        checks.check_no_loops(len)


@pytest.mark.parametrize("factor, phrase", [
    (-1.0, "wrong sign"),
    (0.0, "is zero"),
    (2.0, "2 times the right one"),
    (500.0, "500 times the right one"),
])
def test_does_explain_gradient_mismatch_recognise_constant_factors(factor, phrase):
    numerical = np.random.default_rng(0).standard_normal((4, 3))
    assert phrase in checks.explain_gradient_mismatch(factor * numerical, numerical)


def test_does_explain_gradient_mismatch_recognise_transposes_and_correct_class_columns():
    numerical = np.random.default_rng(1).standard_normal((4, 3))
    assert "transpose" in checks.explain_gradient_mismatch(numerical.T, numerical)
    analytic = numerical.copy()
    analytic[:, 0] += 1.0  # only class 0, the only class present in y, is off
    assert "correct classes' columns" in checks.explain_gradient_mismatch(analytic, numerical, y=np.array([0, 0]))
    assert checks.explain_gradient_mismatch(numerical + 0.1 * np.eye(4, 3), numerical) is None
