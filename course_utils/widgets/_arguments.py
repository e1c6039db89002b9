"""Argument checks shared by the widgets' states. Each error names the argument, what was expected and what was
given, and says what to pass instead, so the message alone tells a student what to change."""
import math
import numbers

import numpy as np


def check_function(name, value, example):
    """Return ``value`` if it is callable, else raise a TypeError suggesting ``example``
    (e.g. "score_fn=linear_scores")."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, e.g. {example}; got {type(value).__name__}: {value!r:.80}")
    return value


def check_functions(name, value, example, allow_empty=True):
    """Return a dict name -> function from ``value``: a dict of functions, a single function (keyed by its
    ``__name__``) or None (an empty dict when ``allow_empty``)."""
    if value is None:
        value = {}
    elif callable(value):
        value = {getattr(value, "__name__", name): value}
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict mapping a name to a function, e.g. {example}; "
                        f"got {type(value).__name__}: {value!r:.80}")
    for key, function in value.items():
        if not isinstance(key, str):
            raise TypeError(f"{name}: every key must be a name (a str), got {type(key).__name__}: {key!r}")
        check_function(f"{name}[{key!r}]", function, example)
    if not value and not allow_empty:
        raise ValueError(f"{name} must hold at least one function, e.g. {example}; got an empty dict")
    return dict(value)


def check_choice(name, value, choices):
    """Return ``value`` if it is one of ``choices``, else raise a ValueError listing them."""
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return value


def check_number(name, value, low=-math.inf, high=math.inf, low_inclusive=True):
    """Return ``value`` as a float after checking it is a finite real number in [low, high] (or (low, high])."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {value!r:.80}")
    value = float(value)
    too_low = value < low if low_inclusive else value <= low
    if not math.isfinite(value) or too_low or value > high:
        bracket = "[" if low_inclusive else "("
        raise ValueError(f"{name} must be a finite number in {bracket}{low:g}, {high:g}], got {value}")
    return value


def check_count(name, value, minimum=1):
    """Return ``value`` as an int after checking it is a whole number >= minimum (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number >= {minimum}, got {type(value).__name__}: {value!r:.80}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value}")
    return int(value)


def check_array(name, value, shape, what):
    """Return ``value`` as a new float64 array after checking its shape and that it is finite.

    shape: the expected shape; None in a position accepts any length there.
    what: words describing the array, for the message (e.g. "weights, one column per class").
    """
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a numeric array ({what}), got {type(value).__name__}: {value!r:.80}") from None
    expected = "(" + ", ".join("any" if n is None else str(n) for n in shape) + (",)" if len(shape) == 1 else ")")
    if array.ndim != len(shape) or any(n is not None and n != m for n, m in zip(shape, array.shape)):
        raise ValueError(f"{name} must have shape {expected} ({what}), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite ({what}); it holds NaN or inf")
    return array


def check_labels(name, value, num_examples):
    """Return integer labels of shape (N,) with N = ``num_examples``, as a new int64 array."""
    labels = np.asarray(value)
    if labels.shape != (num_examples,):
        raise ValueError(f"{name} must hold one class label per example, shape ({num_examples},); "
                         f"got shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must hold integer class labels, got dtype {labels.dtype}; "
                        f"convert with {name}.astype(int) if the values are whole numbers")
    if labels.size and labels.min() < 0:
        raise ValueError(f"{name} must hold class labels 0, 1, ..., C-1; got {labels.min()}")
    return labels.astype(np.int64)


def call_checked(name, function, args, expected_shape=None, returns="a number"):
    """Call ``function(*args)``; raise a clear error if it fails to return a finite number (or an array of
    ``expected_shape`` when given). Returns a float or a float64 array."""
    result = function(*args)
    if expected_shape is None:
        if isinstance(result, tuple):
            raise TypeError(f"{name} returned a tuple of {len(result)}, expected {returns}; if it returns "
                            "(loss, gradient), pass it as a loss_grad function instead")
        try:
            return float(result)
        except (TypeError, ValueError):
            raise TypeError(f"{name} returned {type(result).__name__}: {result!r:.80}, expected {returns}") from None
    array = np.asarray(result, dtype=np.float64)
    if array.shape != tuple(expected_shape):
        raise ValueError(f"{name} returned an array of shape {array.shape}, expected {returns} of shape "
                         f"{tuple(expected_shape)}")
    return array
