"""Numerical gradients by centered differences, for scalar functions and for layers (array-valued functions).

Shapes: x is any shape S (0-d to n-d); for a layer, f(x) has any shape O and df has shape O.
"""
from typing import NamedTuple

import numpy as np

from ._inputs import check_step, checked_like, format_index
from ._probe import Probe


class Differences(NamedTuple):
    """Finite differences of f along K entries of x, each field of shape (K,).

    - centered: (f(x + p) - f(x - m)) / (p + m), the numerical partial derivative
    - forward: (f(x + p) - f(x)) / p, the slope seen on the right of x
    - backward: (f(x) - f(x - m)) / m, the slope seen on the left of x
    - forward_step, backward_step: p and m, the steps actually applied (h up to float64 rounding)

    For a layer, "f" stands for sum(df * f), so these are directional quantities of the upstream gradient df.
    """

    centered: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    forward_step: np.ndarray
    backward_step: np.ndarray


def differences(probe, f0, flat_indices, h, df=None, on_entry=None):
    """Centered and one-sided differences of f at the entries ``flat_indices`` of x, costing 2 * K calls of f.

    Inputs:
    - probe: a Probe around f and x
    - f0: f at x itself (a float, or an array of shape O for a layer)
    - flat_indices: integer array of shape (K,), positions in x's C order
    - h: the step
    - df: None for a scalar f; for a layer, the upstream gradient of shape O
    - on_entry: optional callback(flat_index, centered_value), e.g. to print progress

    Returns a Differences of arrays of shape (K,).
    """
    # a layer is checked through the scalar sum(df * f); subtracting outputs before weighting keeps the digits
    # that summing first would cancel away
    weigh = (lambda change: change) if df is None else (lambda change: np.vdot(df, change))
    count = len(flat_indices)
    result = Differences(*(np.empty(count) for _ in Differences._fields))
    for k, flat_index in enumerate(flat_indices):
        up, right = probe.at(flat_index, h)
        down, minus_left = probe.at(flat_index, -h)
        left = -minus_left
        result.centered[k] = weigh(up - down) / (right + left)
        result.forward[k] = weigh(up - f0) / right
        result.backward[k] = weigh(f0 - down) / left
        result.forward_step[k], result.backward_step[k] = right, left
        if on_entry is not None:
            on_entry(flat_index, result.centered[k])
    return result


def eval_numerical_gradient(f, x, verbose=False, h=1e-5):
    """The numerical gradient of a scalar function f at x, by centered differences.

    Costs 2 * x.size + 1 calls of f (the extra call checks f at x itself). x is never modified (see Probe).

    Inputs:
    - f: function taking an array shaped like x and returning a number
    - x: the point, a floating-point array of any shape S (float32 works, with a PrecisionWarning)
    - verbose: print each entry's index and partial derivative as it is computed
    - h: the step, 1e-5 by default

    Returns:
    - grad: float64 array of shape S, grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h
    """
    h = check_step(h)
    with Probe(f, x, output="scalar", stacklevel=2) as probe:
        f0 = probe.center()
        report = _printer(probe.shape) if verbose else None
        found = differences(probe, f0, np.arange(probe.x0.size), h, on_entry=report)
    return found.centered.reshape(probe.shape)


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """The numerical gradient of sum(df * f(x)) at x: the backward pass of a layer f for upstream gradient df.

    Costs 2 * x.size + 1 calls of f. x is never modified (see Probe).

    Inputs:
    - f: function taking an array shaped like x and returning an array of shape O
    - x: the layer's input, a floating-point array of any shape S
    - df: upstream gradient, an array of shape O (the shape of f(x))
    - h: the step, 1e-5 by default

    Returns:
    - dx: float64 array of shape S, dx[i] = sum over outputs j of df[j] * d f(x)[j] / d x[i]
    """
    h = check_step(h)
    with Probe(f, x, output="array", stacklevel=2) as probe:
        f0 = probe.center()
        df = checked_df(df, f0.shape)
        found = differences(probe, f0, np.arange(probe.x0.size), h, df=df)
    return found.centered.reshape(probe.shape)


def checked_df(df, output_shape):
    """The upstream gradient as a finite float64 array of f's output shape, or a ValueError naming both shapes."""
    return checked_like(df, "df", output_shape, "f's output",
                        "df is the upstream gradient of f's output and has its shape", transposed_hint=False)


def _printer(shape):
    def report(flat_index, value):
        index = tuple(int(i) for i in np.unravel_index(flat_index, shape))
        print(f"x{format_index(index) or '[]'}: {value:.10g}")
    return report
