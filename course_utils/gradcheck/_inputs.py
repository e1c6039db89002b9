"""Checking what callers hand to the gradient tools; every error names the argument and says how to fix the call."""
import math
import numbers
import warnings

import numpy as np


class PrecisionWarning(UserWarning):
    """An array or a value of f was less precise than float64, so a finite-difference check cannot be trusted fully.

    A centered difference divides a tiny change of f by a tiny step: with h = 1e-5 the change is about 1e-5 of f's
    scale, and float32 keeps only about 7 significant digits, so its rounding error is as large as the digits being
    measured. The tools therefore always compute on float64 copies and warn when something arrived in lower precision.
    """


def format_index(index):
    """``(2, 3)`` -> ``"[2, 3]"``; ``()`` (a 0-d array) -> ``""`` so that ``f"x{...}"`` reads naturally."""
    return f"[{', '.join(str(int(i)) for i in index)}]" if index else ""


def first_bad_entry(bad):
    """The index (a tuple) of the first True entry of the boolean array ``bad``."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(bad)), bad.shape))


def check_step(h):
    """Return ``h`` as a float after checking it is a positive finite number."""
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not math.isfinite(h) or h <= 0:
        raise ValueError(f"h must be a positive finite step such as 1e-5, got {h!r}")
    return float(h)


def check_callable(f):
    if not callable(f):
        raise TypeError(f"f must be a function of the array x (e.g. `lambda W: loss(W, X, y)`), "
                        f"got {type(f).__name__}: {f!r:.60}")


def real_array(value, name, expected):
    """``value`` as a NumPy array of real numbers (no copy when possible), or a TypeError naming ``name``.

    expected: what ``name`` should be, used in the error ("a gradient of the same shape as x").
    """
    if value is None:
        raise TypeError(f"{name} is None; expected {expected}. Did the function that computes it forget to return it?")
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers (expected {expected}), got dtype {array.dtype}"
                        + (": complex values have no gradient check here" if array.dtype.kind == "c" else ""))
    return array


def check_finite(array, name):
    if not np.all(np.isfinite(array)):
        bad = ~np.isfinite(array)
        index = first_bad_entry(bad)
        raise ValueError(f"{name} contains {np.count_nonzero(bad)} NaN or inf values (first at "
                         f"{name}{format_index(index)} = {array[index]}); a gradient check needs finite numbers")


def float64_copy_of_x(x, stacklevel):
    """A validated, C-contiguous float64 copy of ``x``; warns (PrecisionWarning) when x is less precise than float64.

    x: the point where the gradient is taken, any shape; floating-point dtype.
    stacklevel: passed to ``warnings.warn`` so that the warning points at the user's call.
    """
    array = real_array(x, "x", "a floating-point array")
    if array.dtype.kind != "f":
        raise TypeError(f"x has dtype {array.dtype}, but a numerical gradient needs floating-point values: a step of "
                        f"h = 1e-5 cannot be added to integers. Pass x.astype(np.float64)")
    check_finite(array, "x")
    if array.dtype.itemsize < 8:
        warnings.warn(
            f"x is {array.dtype}: the gradient is computed on a float64 copy of it, and f receives that copy. "
            f"Finite differences need float64, because {array.dtype} rounding (about "
            f"{np.finfo(array.dtype).eps:.0e} relative) is as large as the change of f that a step of 1e-5 makes. "
            "A function that reads x through a closure instead of its argument will not see the steps. "
            "Pass x.astype(np.float64) to silence this warning.",
            PrecisionWarning, stacklevel=stacklevel + 1)
    return np.array(array, dtype=np.float64, order="C", copy=True)


def checked_like(value, name, shape, reference, why, transposed_hint=True):
    """``value`` as a finite float64 array of exactly ``shape``; errors name ``name`` and both shapes.

    reference: what has the expected shape ("x"); why: the rule, for the message.
    transposed_hint: mention a transpose when the shape is ``shape`` reversed (a common slip with ``X.T @ dscores``).
    """
    array = real_array(value, name, f"an array of shape {tuple(shape)}")
    if array.shape != tuple(shape):
        message = f"{name} has shape {array.shape}, but {reference} has shape {tuple(shape)}: {why}"
        if transposed_hint and len(shape) > 1 and array.shape == tuple(reversed(shape)):
            message += "; this one looks transposed"
        raise ValueError(message)
    check_finite(array, name)
    return array.astype(np.float64, copy=False)


def describe_point(index, offset):
    """Where f was evaluated, for messages: ``"x itself"``, ``"x[2, 3] + 1e-05"``."""
    if offset == 0:
        return "x itself"
    sign = "+" if offset > 0 else "-"
    return f"x{format_index(index)} {sign} {abs(offset):.3g}"


def scalar_value(value, where):
    """f's value as a Python float, or an error saying what f returned instead of a single number."""
    if isinstance(value, tuple):
        raise TypeError(f"f must return a single number (the loss), but at {where} it returned a tuple of "
                        f"{len(value)} items. If your function returns (loss, grad), pass "
                        "`lambda W: loss_and_grad(W)[0]`")
    array = real_array(value, "f's value", "a single number")
    if array.ndim != 0:
        raise ValueError(f"f must return a single number (the loss), but at {where} it returned an array of shape "
                         f"{array.shape}. For a layer whose output is an array, use eval_numerical_gradient_array("
                         "f, x, df) or check_gradient_array(f, x, df, analytic_dx)")
    number = float(array)
    if not math.isfinite(number):
        raise ValueError(f"f returned {number} at {where}; a gradient check needs finite values (a loss that "
                         "overflows needs the max-subtraction trick, a log of 0 needs a guard)")
    return number


def array_value(value, where, shape=None):
    """f's value as a fresh float64 array (f may return a view of its input), checked for shape and finiteness.

    shape: the output shape f had at x itself; None on that first call.
    """
    if isinstance(value, tuple):
        raise TypeError(f"f must return one array (the layer's output), but at {where} it returned a tuple of "
                        f"{len(value)} items. If your forward pass returns (out, cache), pass "
                        "`lambda x: forward(x)[0]`")
    array = real_array(value, "f's value", "an array")
    if shape is not None and array.shape != shape:
        raise ValueError(f"f returned an array of shape {array.shape} at {where}, but of shape {shape} at x itself; "
                         "f's output must keep its shape when x changes slightly")
    if not np.all(np.isfinite(array)):
        index = first_bad_entry(~np.isfinite(array))
        raise ValueError(f"f returned NaN or inf at {where} (output entry {format_index(index) or '[]'} = "
                         f"{array[index]}); a gradient check needs finite values")
    return np.array(array, dtype=np.float64, copy=True)


def output_precision_warning(dtype, stacklevel):
    """Warn when f's values come in a dtype less precise than float64."""
    warnings.warn(
        f"f returns {dtype} values: their rounding (about {np.finfo(dtype).eps:.0e} relative) is as large as the "
        "change of f that a step of 1e-5 makes, so the numerical gradient is mostly rounding noise and the check "
        "can only catch gross errors. Make f compute in float64 (cast its inputs with .astype(np.float64)).",
        PrecisionWarning, stacklevel=stacklevel + 1)
