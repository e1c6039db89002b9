"""Gradient checks: numerical gradients by centered differences, and analytic gradients judged against them.

Interface (x is a floating-point array of any shape S; a layer's output has any shape O):

    eval_numerical_gradient(f, x, verbose=False, h=1e-5) -> grad, float64 array of shape S
        f(array like x) -> number. grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h. 2 * x.size + 1 calls of f.
    eval_numerical_gradient_array(f, x, df, h=1e-5) -> dx, float64 array of shape S
        f(array like x) -> array of shape O; df: upstream gradient, shape O.
        dx[i] = sum_j df[j] * d f(x)[j] / d x[i]. 2 * x.size + 1 calls of f.
    grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None, verbose=False) -> GradCheckResult
        checks num_checks distinct random entries. 2 * num_checks + 1 calls, + 2 per entry not good at first sight.
    check_gradient(f, x, analytic_grad, h=1e-5, verbose=False) -> GradCheckResult
        checks every entry (for small x). 2 * x.size + 1 calls, + 2 per entry not good at first sight.
    check_gradient_array(f, x, df, analytic_dx, h=1e-5, verbose=False) -> GradCheckResult
        a layer's backward pass: analytic_dx against eval_numerical_gradient_array(f, x, df).
    rel_error(x, y, floor=1e-8) -> float: max of |x - y| / max(|x| + |y|, floor); same shapes; 0 for two zeros.

Names and positional arguments follow CS231n's ``gradient_check`` module, so ``eval_numerical_gradient(f, x,
verbose=False)`` and ``grad_check_sparse(f, W, grad, 10)`` run unchanged. Unlike there, a check returns a
:class:`GradCheckResult`: ``passed``, ``verdict``, ``max_rel_error``, ``worst_index``, ``message`` and ``rows``
(index, numerical, analytic, relative error, kink flag, verdict per checked entry). It prints as a short text
table and displays as an HTML table in a notebook, so ``verbose`` defaults to False (the result shows once).

Verdicts, per entry on the relative error |a - n| / max(|a| + |n|, 1e-8) of the analytic value a and the numerical
one n, and for a check the worst of its entries (``passed`` is True for the first two):

    good                 below GOOD_BELOW = 1e-7
    acceptable (kink)    a kink lies within h, and a is within KINK_ACCEPTABLE_BELOW = 1e-4 of a valid derivative
    suspicious           from 1e-7 to 1e-4 where f is smooth (it should be below 1e-7 there)
    probably wrong       from 1e-4 to WRONG_FROM = 1e-2, and no kink explains it
    wrong                from 1e-2 on, and no kink explains it

A difference within rounding noise is forgiven: NOISE_ULPS = 16 units of rounding of each value of f (about
7e-15 |f| / h for a float64 centered difference) and of the analytic value. So an entry whose derivative is near
zero is not called wrong for the last digits of a finite difference, and a float32 analytic gradient is held to
float32 accuracy. The ``rel_error`` reported for each entry stays the plain one.

An entry that is not good at first sight gets two more calls of f, at x +- h/10 (KINK_PROBE_RATIO = 10), so its
one-sided slopes are known at two steps. They serve two purposes:

- Kinks (points where f is not differentiable: ReLU at 0, a hinge at margin 0, a max with a tie) are found from f
  itself, not from knowledge of the loss. For a smooth f the gap between the right and the left slope shrinks in
  proportion to the step, and both slopes move alike when the step shrinks; a kink within h breaks that pattern
  (KINK_SHARE = 0.5 of the change unexplained). At such an entry the centered difference straddles the kink and
  means nothing, so a is compared with the one-sided derivatives instead (each extrapolated from its two slopes):
  beside the kink with the derivative on the clean side, right at it with the whole range between the two (any
  subgradient). A correct gradient is not called wrong because of a kink; a value outside that range still is.
- Where f is smooth, a is also compared with the Richardson extrapolation of the two centered differences, which
  removes their truncation error where the derivative itself is tiny (x^3 at 0, a saturated tanh).

Inputs are never modified. f receives a private float64 copy of x; when x is a writeable float64 array the moved
entry is mirrored into x while f runs (CS231n's ``f = lambda _: model.loss(X, y)[0]`` reads the parameters through
a closure) and x is restored bitwise afterwards, also when f raises. float32 input is computed in float64 with a
:class:`PrecisionWarning`; integer input, NaN or inf anywhere, a non-scalar loss, a function that modifies its
argument and mismatched shapes raise errors that name the argument, the expected and the given.
"""
from ._inputs import PrecisionWarning
from .check import check_gradient, check_gradient_array, grad_check_sparse
from .judge import (GOOD_BELOW, KINK_ACCEPTABLE_BELOW, KINK_PROBE_RATIO, KINK_SHARE, NOISE_ULPS, REL_ERROR_FLOOR,
                    WRONG_FROM, Verdict, rel_error)
from .numerical import eval_numerical_gradient, eval_numerical_gradient_array
from .result import GradCheckResult, GradCheckRow

__all__ = [
    "eval_numerical_gradient", "eval_numerical_gradient_array", "grad_check_sparse", "check_gradient",
    "check_gradient_array", "rel_error", "GradCheckResult", "GradCheckRow", "Verdict", "PrecisionWarning",
    "GOOD_BELOW", "KINK_ACCEPTABLE_BELOW", "WRONG_FROM", "REL_ERROR_FLOOR", "NOISE_ULPS", "KINK_PROBE_RATIO",
    "KINK_SHARE",
]
