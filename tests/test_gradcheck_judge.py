"""Tests for course_utils.gradcheck's judging rules on plain numbers: rel_error, verdict thresholds, kink detection."""
import numpy as np
import pytest

from course_utils.gradcheck import (GOOD_BELOW, KINK_ACCEPTABLE_BELOW, WRONG_FROM, Verdict, rel_error)
from course_utils.gradcheck.judge import detect_kinks, valid_slopes, verdict_for
from course_utils.gradcheck.numerical import Differences

H = 1e-5


# ---------------------------------------------------------------- rel_error


def test_rel_error_of_numbers_and_arrays():
    """Is rel_error the largest |x - y| / (|x| + |y|) over the entries, as a float?"""
    assert rel_error(1.0, 1.5) == pytest.approx(0.2)
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(0.2)
    assert isinstance(rel_error(np.float32(1), np.float32(1)), float)
    assert rel_error(np.arange(3), np.arange(3)) == 0.0


def test_rel_error_is_symmetric():
    x, y = np.array([0.3, -2.0, 5.0]), np.array([0.31, -2.2, 4.0])
    assert rel_error(x, y) == rel_error(y, x)


def test_two_zeros_give_zero_not_nan():
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(np.zeros((2, 2)), np.zeros((2, 2))) == 0.0


def test_floor_compares_tiny_values_absolutely():
    """Below the floor (1e-8) the denominator stops shrinking: 1e-9 vs 0 is 0.1, not 1."""
    assert rel_error(1e-9, 0.0) == pytest.approx(0.1)
    assert rel_error(1e-9, 0.0, floor=1e-12) == pytest.approx(1.0)


def test_rel_error_of_empty_arrays():
    assert rel_error(np.ones((0, 3)), np.ones((0, 3))) == 0.0


def test_rel_error_refuses_mismatched_shapes():
    """Is a shape mismatch an error naming both shapes, instead of a silent broadcast?"""
    with pytest.raises(ValueError, match=r"x of shape \(3,\) and y of shape \(3, 1\)"):
        rel_error(np.ones(3), np.ones((3, 1)))


def test_rel_error_refuses_nan():
    with pytest.raises(ValueError, match=r"y contains 1 NaN or inf values \(first at y\[1\]"):
        rel_error(np.ones(2), np.array([1.0, np.nan]))


def test_rel_error_refuses_non_numbers():
    with pytest.raises(TypeError, match="x must hold real numbers"):
        rel_error(np.array(["a"]), np.array(["a"]))


# ---------------------------------------------------------------- verdicts


def test_verdict_order_and_text():
    """Are the verdicts ordered from good to wrong, equal to their text, and do only the first two pass?"""
    assert [v.severity for v in Verdict] == [0, 1, 2, 3, 4]
    assert Verdict.KINK == "acceptable (kink)" and str(Verdict.WRONG) == "wrong" and f"{Verdict.GOOD:>5}" == " good"
    assert [v.passed for v in Verdict] == [True, True, False, False, False]


@pytest.mark.parametrize("error, kink, expected", [
    (0.0, False, "good"), (0.99 * GOOD_BELOW, False, "good"), (GOOD_BELOW, False, "suspicious"),
    (0.0, True, "acceptable (kink)"), (0.99 * KINK_ACCEPTABLE_BELOW, True, "acceptable (kink)"),
    (KINK_ACCEPTABLE_BELOW, False, "probably wrong"), (KINK_ACCEPTABLE_BELOW, True, "probably wrong"),
    (WRONG_FROM, True, "wrong"), (1.0, False, "wrong")])
def test_thresholds(error, kink, expected):
    assert verdict_for(error, kink) == expected


# ---------------------------------------------------------------- kinks, from the slopes alone


def slopes(f, x, h=H):
    """Differences of the scalar function f at the float x with steps exactly h (one entry)."""
    f0, up, down = f(x), f(x + h), f(x - h)
    return Differences(*(np.array([value]) for value in
                         [(up - down) / (2 * h), (up - f0) / h, (f0 - down) / h, h, h]))


def kinks_of(f, x, analytic=1.0):
    coarse, fine = slopes(f, x), slopes(f, x, H / 10)
    return detect_kinks(coarse, fine, np.array([analytic]), noise=np.zeros(1))


@pytest.mark.parametrize("f, x", [(np.sin, 0.3), (np.sin, 0.0), (np.exp, -1.0), (lambda t: t ** 3, 0.0),
                                  (lambda t: t ** 3, 2.0), (np.tanh, 4.0), (lambda t: 50 * t ** 2, 1e-5)])
def test_smooth_functions_have_no_kink(f, x):
    at_x, beside = kinks_of(f, x)
    assert not at_x[0] and not beside[0]


def relu_plus(t):
    return max(t, 0.0) + 0.3 * t * t


def test_kink_right_at_x():
    at_x, beside = kinks_of(relu_plus, 0.0)
    assert at_x[0] and not beside[0]


@pytest.mark.parametrize("share", [1e-3, 0.03, 0.0909, 0.3, 0.95, -0.03, -0.5])
def test_kink_beside_x(share):
    """A kink at share * h from x: is it found, on the right side, and is the clean one-sided derivative kept?"""
    x = -share * H  # the kink at 0 lies share * h to the right of x (to the left when share < 0)
    coarse, fine = slopes(relu_plus, x), slopes(relu_plus, x, H / 10)
    at_x, beside = detect_kinks(coarse, fine, np.array([1.0]), noise=np.zeros(1))
    assert beside[0] and not at_x[0]
    low, high = valid_slopes(coarse, fine, beside)
    derivative = (1.0 if x > 0 else 0.0) + 0.6 * x
    assert low[0] == high[0] == pytest.approx(derivative, rel=1e-6, abs=1e-10)


def test_subgradient_range_at_the_kink():
    coarse, fine = slopes(relu_plus, 0.0), slopes(relu_plus, 0.0, H / 10)
    low, high = valid_slopes(coarse, fine, np.array([False]))
    assert low[0] == pytest.approx(0.0, abs=1e-10) and high[0] == pytest.approx(1.0)


def test_kink_below_the_noise_is_not_reported():
    """A departure from smoothness smaller than the rounding noise given does not count as a kink."""
    coarse, fine = slopes(relu_plus, 0.0), slopes(relu_plus, 0.0, H / 10)
    at_x, beside = detect_kinks(coarse, fine, np.array([1.0]), noise=np.array([10.0]))
    assert not at_x[0] and not beside[0]


def test_kink_too_small_to_matter_is_not_reported():
    """A kink whose slope jump cannot move the derivative by GOOD_BELOW relative is ignored."""
    f = lambda t: 1e-9 * max(t, 0.0) + 5.0 * t
    at_x, beside = kinks_of(f, 0.0, analytic=5.0)
    assert not at_x[0] and not beside[0]
