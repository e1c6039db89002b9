"""Argument checks shared by the data modules. Each raises with the argument's name, what was expected and what
was given, so the message alone tells a student what to change."""
import math
import numbers

import numpy as np


def check_count(name, value, minimum=0):
    """Return ``value`` as an int after checking it is a whole number >= minimum (bools are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number >= {minimum}, got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value}")
    return int(value)


def check_noise(name, value):
    """Return ``value`` as a float after checking it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number >= 0, got {type(value).__name__}: {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return float(value)


def check_seed(seed):
    """Return ``seed`` after checking it is None or a whole number >= 0, the seeds np.random.default_rng takes."""
    if seed is None:
        return None
    return check_count("seed", seed, minimum=0)


def check_labels(name, y):
    """Return ``y`` as a 1-D integer ndarray (not copied when it already is one), of shape (N,)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of integer class labels, of shape (N,); got shape {y.shape}. "
            f"Pass {name}.ravel() if it holds one label per row."
        )
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{name} must hold integer class labels; got dtype {y.dtype}. "
            f"Convert with {name}.astype(np.int64) if the values are whole numbers."
        )
    return y


def check_examples(name, x):
    """Return ``x`` as a numeric ndarray of shape (N, d_1, ..., d_k) with k >= 1 (not copied)."""
    x = np.asarray(x)
    if x.ndim < 2:
        raise ValueError(
            f"{name} must have shape (N, d_1, ..., d_k): one row per example; got shape {x.shape}. "
            f"For a single example use {name}[None]."
        )
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise TypeError(f"{name} must hold integers or floats; got dtype {x.dtype}")
    return x
