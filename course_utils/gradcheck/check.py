"""Gradient checks: compare an analytic gradient with finite differences and return a GradCheckResult.

Shapes: x is any shape S; K is the number of checked entries; a layer's output has any shape O.
"""
import numbers

import numpy as np

from ._inputs import check_step, checked_like
from ._probe import Probe
from .judge import KINK_PROBE_RATIO, judge_entries, relative_errors
from .numerical import checked_df, differences
from .result import GradCheckResult, GradCheckRow


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None, verbose=False):
    """Check an analytic gradient at num_checks randomly chosen entries of x (distinct, shown in index order).

    Costs 2 * num_checks + 1 calls of f, plus 2 per entry that is not good at first sight (the kink probes).

    Inputs:
    - f: function taking an array shaped like x and returning a number (the loss)
    - x: the point, a floating-point array of shape S
    - analytic_grad: the gradient to check, an array of shape S
    - num_checks: how many entries to check (all of them if x has fewer)
    - h: the step
    - seed: seed (or numpy Generator) choosing the entries; None draws fresh ones each call
    - verbose: also print the result (a notebook displays the returned result anyway)

    Returns a GradCheckResult.
    """
    if isinstance(num_checks, bool) or not isinstance(num_checks, numbers.Integral) or num_checks < 1:
        raise ValueError(f"num_checks must be a positive integer such as 10, got {num_checks!r}")

    def choose(size):
        count = min(int(num_checks), size)
        return np.sort(np.random.default_rng(seed).choice(size, size=count, replace=False))

    return _run(f, x, analytic_grad, "analytic_grad", h, choose, sampled=True, verbose=verbose)


def check_gradient(f, x, analytic_grad, h=1e-5, verbose=False):
    """Check an analytic gradient at every entry of x: for small x (a few thousand entries at most).

    Costs 2 * x.size + 1 calls of f, plus 2 per entry that is not good at first sight (the kink probes).

    Inputs:
    - f: function taking an array shaped like x and returning a number (the loss)
    - x: the point, a floating-point array of shape S
    - analytic_grad: the gradient to check, an array of shape S
    - h: the step
    - verbose: also print the result

    Returns a GradCheckResult.
    """
    return _run(f, x, analytic_grad, "analytic_grad", h, np.arange, sampled=False, verbose=verbose)


def check_gradient_array(f, x, df, analytic_dx, h=1e-5, verbose=False):
    """Check a layer's backward pass: analytic_dx against the numerical gradient of sum(df * f(x)), at every entry.

    Costs 2 * x.size + 1 calls of f, plus 2 per entry that is not good at first sight (the kink probes).

    Inputs:
    - f: the layer's forward pass as a function of x alone, returning an array of shape O
    - x: the layer's input, a floating-point array of shape S
    - df: upstream gradient, an array of shape O
    - analytic_dx: the backward pass's gradient with respect to x, an array of shape S
    - h: the step
    - verbose: also print the result

    Returns a GradCheckResult.
    """
    return _run(f, x, analytic_dx, "analytic_dx", h, np.arange, sampled=False, verbose=verbose, df=df)


def _run(f, x, analytic, analytic_name, h, choose, sampled, verbose, df=None):
    """The shared check: choose entries (choose(size) -> flat indices), difference, judge, tabulate."""
    h = check_step(h)
    with Probe(f, x, output="scalar" if df is None else "array", stacklevel=3) as probe:
        if probe.x0.size == 0:
            raise ValueError("x is empty: there is no entry to check")
        analytic_array = checked_like(analytic, analytic_name, probe.shape, "x",
                                      "a gradient has the shape of the array it differentiates")
        f0 = probe.center()
        if df is not None:
            df = checked_df(df, f0.shape)
        flat_indices = choose(probe.x0.size)
        coarse = differences(probe, f0, flat_indices, h, df)
        value_scale = abs(f0) if df is None else float(np.sum(np.abs(df * f0)))
        analytic_values = analytic_array.reshape(-1)[flat_indices]
        verdicts, kinks = judge_entries(
            analytic_values, coarse,
            lambda mask: differences(probe, f0, flat_indices[mask], h / KINK_PROBE_RATIO, df),
            value_scale, probe.output_eps, _rounding_unit(analytic))
    result = GradCheckResult(
        rows=_rows(probe.shape, flat_indices, coarse, analytic_values, kinks, verdicts),
        shape=probe.shape, h=h, evaluations=probe.calls, sampled=sampled,
        notes=tuple(_notes(x, analytic, analytic_name, coarse, analytic_values, probe.output_eps)))
    if verbose:
        print(result)
    return result


def _rows(shape, flat_indices, coarse, analytic_values, kinks, verdicts):
    errors = relative_errors(analytic_values, coarse.centered)
    return tuple(
        GradCheckRow(index=tuple(int(i) for i in np.unravel_index(flat_index, shape)), numerical=float(numerical),
                     analytic=float(analytic), rel_error=float(error), kink=bool(kink), verdict=verdict)
        for flat_index, numerical, analytic, error, kink, verdict
        in zip(flat_indices, coarse.centered, analytic_values, errors, kinks, verdicts))


def _rounding_unit(analytic):
    dtype = np.asarray(analytic).dtype
    return float(np.finfo(dtype).eps) if dtype.kind == "f" else float(np.finfo(np.float64).eps)


def _notes(x, analytic, analytic_name, coarse, analytic_values, output_eps):
    """Remarks that help read the result: lost precision, and a numerical gradient that never moved."""
    x_dtype = np.asarray(x).dtype
    if x_dtype != np.float64:
        yield f"x is {x_dtype}; the check ran on a float64 copy, which f received."
    analytic_dtype = np.asarray(analytic).dtype
    if analytic_dtype.kind == "f" and analytic_dtype.itemsize < 8:
        yield (f"{analytic_name} is {analytic_dtype}: its rounding was forgiven, so the check is only as sharp as "
               f"{analytic_dtype}.")
    if output_eps > np.finfo(np.float64).eps:
        yield "f returns values less precise than float64: the numerical gradient is mostly rounding noise."
    if np.all(coarse.centered == 0) and np.any(analytic_values != 0):
        yield ("f's value never changed when an entry of x moved, so the numerical gradient is exactly zero. "
               "Does f compute its value from the array it is given (`lambda W: loss(W, X, y)`), rather than from "
               "another array?")
