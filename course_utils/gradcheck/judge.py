"""Judging an analytic gradient against finite differences: relative error, rounding noise, kinks, verdicts.

Everything here works on arrays of per-entry numbers (shape (K,) for K checked entries) and never calls f itself
(judge_entries asks for the finer probes through a callback), so the rules can be read, and tested, on their own.
The rules and their constants are described in the package docstring.
"""
from enum import Enum

import numpy as np

from ._inputs import check_finite, real_array

REL_ERROR_FLOOR = 1e-8
"""Smallest denominator of a relative error, so that two zeros (or two tiny numbers) compare as equal, not NaN."""

GOOD_BELOW = 1e-7
"""A relative error below this is good: what float64 centered differences reach on smooth functions."""

KINK_ACCEPTABLE_BELOW = 1e-4
"""Below this, an error is acceptable where a kink lies within h, and merely suspicious elsewhere."""

WRONG_FROM = 1e-2
"""From here on an error is wrong; between KINK_ACCEPTABLE_BELOW and this it is probably wrong."""

NOISE_ULPS = 16
"""How many units of rounding (eps times the size of a value) one value of f or of the analytic gradient may be off."""

KINK_PROBE_RATIO = 10
"""Kinks are probed with a second step of h / KINK_PROBE_RATIO."""

KINK_SHARE = 0.5
"""Share of the slopes' change that must be unexplained by smooth curvature before it is called a kink."""


class Verdict(str, Enum):
    """How well one entry (or a whole check) agrees, from best to worst; compares equal to its text."""

    GOOD = "good"
    KINK = "acceptable (kink)"
    SUSPICIOUS = "suspicious"
    PROBABLY_WRONG = "probably wrong"
    WRONG = "wrong"

    @property
    def severity(self):
        """0 for GOOD up to 4 for WRONG."""
        return _ORDER.index(self)

    @property
    def passed(self):
        """True for GOOD and KINK: the analytic gradient is right as far as the numbers can tell."""
        return self in (Verdict.GOOD, Verdict.KINK)

    def __str__(self):
        return self.value

    def __format__(self, spec):
        return format(self.value, spec)


_ORDER = list(Verdict)


def rel_error(x, y, floor=REL_ERROR_FLOOR):
    """The largest relative error between x and y: max of |x - y| / max(|x| + |y|, floor), as a float.

    Inputs:
    - x, y: numbers or arrays of the same shape (no broadcasting: a shape mismatch is usually a bug)
    - floor: smallest denominator, so that 0 vs 0 gives 0 and tiny values are compared absolutely

    Returns 0.0 for empty arrays. Raises ValueError on NaN or inf, which a relative error cannot measure.
    """
    x = real_array(x, "x", "a number or an array")
    y = real_array(y, "y", "a number or an array")
    if x.shape != y.shape:
        raise ValueError(f"rel_error compares arrays of the same shape, got x of shape {x.shape} and y of shape "
                         f"{y.shape}; reshape one of them (or compare with the right array)")
    check_finite(x, "x")
    check_finite(y, "y")
    if x.size == 0:
        return 0.0
    return float(np.max(relative_errors(x.astype(np.float64), y.astype(np.float64), floor)))


def relative_errors(x, y, floor=REL_ERROR_FLOOR, allowance=0.0):
    """Elementwise relative errors, forgiving ``allowance`` of absolute difference (rounding noise); arrays alike."""
    difference = np.maximum(np.abs(x - y) - allowance, 0.0)
    return difference / np.maximum(np.abs(x) + np.abs(y), floor)


def rounding_noise(value_scale, value_eps, steps):
    """How far a difference quotient can be off through rounding of f's values alone.

    value_scale: size of f's values (|f(x)|, or sum |df * f(x)| for a layer); value_eps: their rounding unit;
    steps: the quotients' denominators, any shape. Returns an array like steps.
    """
    return 2 * NOISE_ULPS * value_eps * value_scale / np.asarray(steps)


def judge_entries(analytic, coarse, probe_fine, value_scale, value_eps, analytic_eps):
    """Verdicts for K checked entries.

    Inputs:
    - analytic: the analytic gradient at the checked entries, shape (K,)
    - coarse: Differences at step h, fields of shape (K,)
    - probe_fine: callback(mask) -> Differences at step h / KINK_PROBE_RATIO for the entries where mask (a boolean
      array of shape (K,)) is True; called at most once, and only for entries that are not good at first sight
    - value_scale, value_eps: size of f's values and their rounding unit (for the noise allowance)
    - analytic_eps: rounding unit of the analytic gradient's dtype

    Returns a tuple of:
    - verdicts: list of K Verdict
    - kinks: boolean array of shape (K,), True where a kink was found within h (entries good at first sight are not
      probed and report False)
    """
    analytic_allowance = NOISE_ULPS * analytic_eps * np.abs(analytic)
    coarse_noise = rounding_noise(value_scale, value_eps, coarse.forward_step + coarse.backward_step)
    first_errors = relative_errors(analytic, coarse.centered, allowance=coarse_noise + analytic_allowance)
    verdicts = [Verdict.GOOD] * len(analytic)
    kinks = np.zeros(len(analytic), dtype=bool)
    unsure = first_errors >= GOOD_BELOW
    if unsure.any():
        fine = probe_fine(unsure)
        coarse_unsure = type(coarse)(*(field[unsure] for field in coarse))
        errors, kinks[unsure] = second_look(analytic[unsure], coarse_unsure, fine, value_scale, value_eps,
                                            analytic_allowance[unsure])
        for k, error, kink in zip(np.flatnonzero(unsure), errors, kinks[unsure]):
            verdicts[k] = verdict_for(error, kink)
    return verdicts, kinks


def second_look(analytic, coarse, fine, value_scale, value_eps, analytic_allowance):
    """Relative errors (noise forgiven) and kink flags of entries that are not good at first sight.

    Where no kink is found, the analytic value may match either the plain centered difference or Richardson's
    extrapolation of the centered differences at both steps, which removes their h^2 truncation error (it dominates
    for x^3 at 0 or a saturated tanh, where the derivative is tiny). Where a kink is found, the centered differences
    straddle it and mean nothing; the analytic value must lie in the range of one-sided derivatives and
    subgradients that valid_slopes reads off the one-sided slopes.

    Inputs: analytic of shape (M,); coarse, fine: Differences at h and h / KINK_PROBE_RATIO; value_scale, value_eps:
    size and rounding unit of f's values; analytic_allowance: the analytic gradient's own rounding noise, (M,).

    Returns a tuple of:
    - errors: array of shape (M,)
    - kinks: boolean array of shape (M,)
    """
    coarse_noise = rounding_noise(value_scale, value_eps, coarse.forward_step + coarse.backward_step)
    fine_noise = rounding_noise(value_scale, value_eps, fine.forward_step + fine.backward_step)
    squared = ((coarse.forward_step + coarse.backward_step) / (fine.forward_step + fine.backward_step)) ** 2
    extrapolated = fine.centered + (fine.centered - coarse.centered) / (squared - 1)
    extrapolated_noise = (squared * fine_noise + coarse_noise) / (squared - 1)
    smooth_error = np.minimum(
        relative_errors(analytic, coarse.centered, allowance=coarse_noise + analytic_allowance),
        relative_errors(analytic, extrapolated, allowance=extrapolated_noise + analytic_allowance))

    slope_noise = rounding_noise(value_scale, value_eps, np.minimum(fine.forward_step, fine.backward_step))
    at_x, beside = detect_kinks(coarse, fine, analytic, noise=2 * KINK_PROBE_RATIO * slope_noise)
    kinks = at_x | beside
    low, high = valid_slopes(coarse, fine, beside)
    # the extrapolation weighs the fine slope by ratio / (ratio - 1): its noise grows a little
    extrapolated_slope_noise = slope_noise * KINK_PROBE_RATIO / (KINK_PROBE_RATIO - 1)
    kink_error = relative_errors(analytic, np.clip(analytic, low, high),
                                 allowance=extrapolated_slope_noise + analytic_allowance)
    return np.where(kinks, kink_error, smooth_error), kinks


def detect_kinks(coarse, fine, analytic, noise):
    """Where f has a point within h of x at which it is not differentiable (ReLU at 0, a hinge, a max tie).

    For a smooth f the one-sided slopes (f(x+h) - f(x)) / h and (f(x) - f(x-h)) / h differ by f'' h: their gap
    shrinks in proportion to the step, and when the step shrinks the right slope moves as much as the left one
    (odd-order terms move them in opposite directions, but by equal amounts). A kink at distance t < h breaks that:
    right at x (t = 0) the gap keeps its size; beside x only the slope on the kink's side moves. A departure must
    exceed rounding noise and be able to move the centered difference by GOOD_BELOW relative to count.

    Inputs:
    - coarse, fine: Differences at steps h and h / KINK_PROBE_RATIO, fields of shape (M,)
    - analytic: the analytic gradient at those entries, (M,)
    - noise: rounding noise of the statistics below, (M,)

    Returns a tuple of boolean arrays of shape (M,):
    - at_x: the gap between the slopes does not shrink with the step (a kink at x, or very close to it)
    - beside: only one slope moves with the step (a kink beside x, on that slope's side)
    """
    ratio = (coarse.forward_step + coarse.backward_step) / (fine.forward_step + fine.backward_step)
    gap_coarse = coarse.forward - coarse.backward
    gap_fine = fine.forward - fine.backward
    gap_departure = np.abs(gap_coarse - ratio * gap_fine)
    gap_stays = gap_departure > KINK_SHARE * (np.abs(gap_coarse) + ratio * np.abs(gap_fine))

    right_move, left_move = slope_moves(coarse, fine)
    side_departure = np.abs(right_move - left_move)
    one_side_moves = np.minimum(right_move, left_move) < KINK_SHARE * np.maximum(right_move, left_move)

    matters = np.maximum(noise, GOOD_BELOW * np.maximum(np.abs(analytic) + np.abs(coarse.centered), REL_ERROR_FLOOR))
    beside = one_side_moves & (side_departure > matters)
    return gap_stays & (gap_departure > matters) & ~beside, beside


def slope_moves(coarse, fine):
    """How much the right and the left one-sided slopes change when the step shrinks: arrays of shape (M,)."""
    return np.abs(coarse.forward - fine.forward), np.abs(fine.backward - coarse.backward)


def valid_slopes(coarse, fine, beside):
    """The range of derivatives a correct analytic gradient may take near a kink: arrays (low, high) of shape (M,).

    Each one-sided derivative is extrapolated from the one-sided slopes at both steps (they are linear in the step
    up to O(h^2)), so that it stays accurate when the derivative itself is tiny. Beside x, the side away from the
    kink is clean (its slope did not move when the step shrank) and the range is its one-sided derivative alone.
    At x, any value between the two one-sided derivatives is a subgradient (ReLU'(0) may be taken as 0 or as 1).
    """
    right = _extrapolate(coarse.forward, fine.forward, coarse.forward_step, fine.forward_step)
    left = _extrapolate(coarse.backward, fine.backward, coarse.backward_step, fine.backward_step)
    right_move, left_move = slope_moves(coarse, fine)
    clean = np.where(right_move <= left_move, right, left)
    low = np.where(beside, clean, np.minimum(left, right))
    high = np.where(beside, clean, np.maximum(left, right))
    return low, high


def _extrapolate(coarse_slope, fine_slope, coarse_step, fine_step):
    """The limit of a one-sided slope as its step goes to 0, from its values at two steps (linear in the step)."""
    return (coarse_step * fine_slope - fine_step * coarse_slope) / (coarse_step - fine_step)


def verdict_for(error, kink):
    """The verdict for one entry's relative error (noise forgiven); ``kink``: a kink lies within h of it."""
    if error < GOOD_BELOW and not kink:
        return Verdict.GOOD
    if error < KINK_ACCEPTABLE_BELOW:
        return Verdict.KINK if kink else Verdict.SUSPICIOUS
    if error < WRONG_FROM:
        return Verdict.PROBABLY_WRONG
    return Verdict.WRONG


def worst(verdicts):
    """The most severe of a sequence of verdicts (GOOD for an empty one)."""
    return max(verdicts, key=lambda verdict: verdict.severity, default=Verdict.GOOD)
