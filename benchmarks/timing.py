"""Timing: repeated samples with time.perf_counter, after a warm-up, summarized by their median and 95th percentile.

    measure(fn, repeats, warmup=1) -> Timing
    compare({"name": fn, ...}, repeats, warmup=1) -> {"name": Timing}     (interleaved: see compare)
    Timing(samples).median, .p95, .repeats, .describe()

Each sample is the wall time of one call of ``fn()``, in seconds. The garbage collector is off while a sample runs
(as in ``timeit``), unless ``gc_enabled=True`` asks for the pauses a user would see (the widgets' p95).
"""
import gc
import math
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Samples of one measured operation, in seconds (at least one)."""

    samples: tuple

    def __post_init__(self):
        if not self.samples:
            raise ValueError("a Timing needs at least one sample; measure with repeats >= 1")

    @property
    def repeats(self):
        return len(self.samples)

    @property
    def median(self):
        return percentile(self.samples, 50)

    @property
    def p95(self):
        return percentile(self.samples, 95)

    @property
    def minimum(self):
        return min(self.samples)

    def describe(self, scale=1e3, unit="ms"):
        """'median of 30 (p95 2.41 ms)', for a table's detail column."""
        return f"median of {self.repeats} (p95 {format_number(self.p95 * scale)} {unit})"

    def summary(self):
        return {"median_s": self.median, "p95_s": self.p95, "min_s": self.minimum, "max_s": max(self.samples),
                "repeats": self.repeats}


def percentile(values, q):
    """The q-th percentile (0..100) of values, interpolated linearly between order statistics (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, got {q}")
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def _check_counts(repeats, warmup):
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an integer >= 0, got {warmup!r}")


def _sample(fn, clock, gc_enabled):
    was_enabled = gc.isenabled()
    if not gc_enabled:
        gc.disable()
    try:
        start = clock()
        fn()
        return clock() - start
    finally:
        if was_enabled:
            gc.enable()


def measure(fn, repeats, warmup=1, clock=time.perf_counter, gc_enabled=False):
    """Call ``fn()`` ``warmup`` times untimed, then ``repeats`` times timed; returns the Timing."""
    return compare({"fn": fn}, repeats, warmup, clock, gc_enabled)["fn"]


def compare(candidates, repeats, warmup=1, clock=time.perf_counter, gc_enabled=False):
    """Time several operations in interleaved rounds; returns ``{name: Timing}``.

    Each round times every candidate once, starting from a different one each round, so a slow spell of the
    machine (other processes on the two shared cores) lands on all of them alike instead of on whichever ran
    during it; the ratio of two medians is then a fair comparison.
    """
    _check_counts(repeats, warmup)
    names = list(candidates)
    if not names:
        raise ValueError("compare needs at least one candidate")
    for name in names:
        for _ in range(warmup):
            candidates[name]()
    samples = {name: [] for name in names}
    for round_index in range(repeats):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(_sample(candidates[name], clock, gc_enabled))
    return {name: Timing(tuple(values)) for name, values in samples.items()}


def format_number(value):
    """Three significant digits, without scientific notation for the magnitudes a table shows."""
    if value is None:
        return "-"
    if value == 0 or not math.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude >= 1e-3:
        return f"{value:.3g}"
    return f"{value:.2e}"
