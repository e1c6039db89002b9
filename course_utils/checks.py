"""Visible checks: the feedback a student gets by running a test cell.

Each ``check_*`` function either prints one line starting with a tick and returns, or raises :class:`CheckFailed`
(an ``AssertionError``) whose message says what was expected, what was given, and what to look at. They compare the
student's code with facts stated in the notebook (the lecture's worked examples), with the student's own other
functions (naive vs vectorized) and with numerical gradients, so they never carry a reference answer.

These checks give feedback; they do not decide the grade. The autograder's hidden checks do, outside the
student's process.
"""
import ast
import inspect
import textwrap

import numpy as np


class CheckFailed(AssertionError):
    """A visible check failed; the message is written for the student."""


def passed(message):
    """Print a success line (one place, so every check looks the same)."""
    print(f"\N{CHECK MARK} {message}")


def _fail(what, problem, hint=None):
    message = f"{what}: {problem}"
    if hint:
        message += f"\nHint: {hint}"
    raise CheckFailed(message)


def check_shape(array, expected_shape, what, hint=None, quiet=False):
    """Fail unless ``np.shape(array) == expected_shape``."""
    __tracebackhide__ = True
    shape = np.shape(array)
    if tuple(shape) != tuple(expected_shape):
        _fail(what, f"expected shape {tuple(expected_shape)}, got {tuple(shape)}", hint)
    if not quiet:
        passed(f"{what}: shape {tuple(shape)}")


def check_close(actual, expected, what, rtol=1e-6, atol=1e-8, hint=None, quiet=False):
    """Fail unless ``actual`` matches ``expected`` (numbers or arrays) within ``rtol``/``atol``.

    The message names the worst entry of an array, so a student can see where the difference is.
    """
    __tracebackhide__ = True
    expected = np.asarray(expected, dtype=np.float64)
    try:
        actual_array = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        _fail(what, f"expected a number or a numeric array, got {type(actual).__name__}: {actual!r:.80}", hint)
    if actual_array.shape != expected.shape:
        if expected.shape == ():
            _fail(what, f"expected a single number, got an array of shape {actual_array.shape}", hint)
        _fail(what, f"expected shape {expected.shape}, got {actual_array.shape}", hint)
    if not np.all(np.isfinite(actual_array[np.isfinite(expected)])):
        _fail(what, "got NaN or inf where a finite value was expected", hint)
    if not np.allclose(actual_array, expected, rtol=rtol, atol=atol):
        _fail(what, _mismatch(actual_array, expected), hint)
    if not quiet:
        passed(f"{what}: {_brief(actual_array)}")


def _mismatch(actual, expected):
    if expected.shape == ():
        return f"expected {float(expected):.6g}, got {float(actual):.6g}"
    difference = np.abs(actual - expected)
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(difference), expected.shape))
    wrong_share = np.mean(~np.isclose(actual, expected))
    return (f"{wrong_share:.0%} of the entries differ; worst at index {worst}: "
            f"expected {expected[worst]:.6g}, got {actual[worst]:.6g}")


def _brief(array):
    if array.shape == ():
        return f"{float(array):.6g} as expected"
    return f"shape {array.shape}, values as expected"


def check_true(condition, what, problem, hint=None):
    """Fail with ``problem`` unless ``condition`` holds."""
    __tracebackhide__ = True
    if not condition:
        _fail(what, problem, hint)
    passed(what)


def check_unchanged(before, after, what, quiet=False):
    """Fail if an input array changed during a call (``before`` is a copy taken beforehand)."""
    __tracebackhide__ = True
    if np.shape(before) != np.shape(after) or not np.array_equal(before, after, equal_nan=True):
        _fail(what, "the function modified its input array in place",
              "compute on a copy: `x = x - shift` makes a new array, `x -= shift` overwrites the caller's")
    if not quiet:
        passed(f"{what}: input left unchanged")


def check_no_loops(function, what=None):
    """Fail if ``function``'s source has a Python loop or comprehension (a static look at its code)."""
    __tracebackhide__ = True
    what = what or f"{function.__name__} is loop-free"
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError):
        _fail(what, "could not read the function's source; define it in a notebook cell and run that cell")
    loop_types = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    for node in ast.walk(tree):
        if isinstance(node, loop_types):
            _fail(what, f"found a Python loop or comprehension on line {node.lineno} of the function",
                  "use whole-array operations: matrix products, broadcasting, fancy indexing, np.maximum, sums")
    passed(what)


def explain_gradient_mismatch(analytic, numerical, y=None):
    """Describe in words how an analytic gradient differs from a numerical one, or return None if no pattern fits.

    analytic, numerical: arrays of the same shape, e.g. dW of shape (D, C).
    y: optional labels of shape (N,); with a (D, C) gradient, lets us notice errors confined to the correct classes.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numerical = np.asarray(numerical, dtype=np.float64)
    if analytic.shape != numerical.shape:
        if analytic.T.shape == numerical.shape and np.allclose(analytic.T, numerical, rtol=1e-4, atol=1e-8):
            return "your gradient is the transpose of the right one: it must have the shape of the parameter"
        return f"your gradient has shape {analytic.shape}, the parameter has shape {numerical.shape}"
    scale = _common_ratio(analytic, numerical)
    if scale is not None:
        return _describe_scale(scale)
    difference = analytic - numerical
    if y is not None and analytic.ndim == 2:
        correct_columns = np.unique(np.asarray(y))
        mask = np.zeros(analytic.shape[1], dtype=bool)
        mask[correct_columns[correct_columns < analytic.shape[1]]] = True
        if mask.any() and not mask.all():
            share = np.sum(difference[:, mask] ** 2) / max(np.sum(difference ** 2), 1e-300)
            if share > 0.9:
                return "the error sits mostly in the correct classes' columns: check the term for j = y_i"
    return None


def _common_ratio(analytic, numerical):
    """The constant c with analytic ≈ c * numerical, if there is one (and it is not 1)."""
    significant = np.abs(numerical) > 1e-6 * max(np.max(np.abs(numerical)), 1e-300)
    if not significant.any():
        return None
    ratios = analytic[significant] / numerical[significant]
    c = np.median(ratios)
    if np.isclose(c, 1.0, rtol=1e-3) or not np.allclose(analytic, c * numerical, rtol=1e-3, atol=1e-9):
        return None
    return c


def _describe_scale(c):
    if np.isclose(c, -1.0, rtol=1e-3):
        return "your gradient has the wrong sign everywhere"
    if np.isclose(c, 0.0, atol=1e-9):
        return "your gradient is zero: is dW ever updated?"
    if np.isclose(c, 2.0, rtol=1e-3) or np.isclose(c, 0.5, rtol=1e-3):
        return f"your gradient is {c:g} times the right one: check the factor 2 of the regularization or a 1/2"
    return (f"your gradient is {c:.4g} times the right one: a constant factor is off "
            "(a missing or extra division by the number of examples?)")
