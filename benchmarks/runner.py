"""Running groups: each one alone or all in order, a group that fails or cannot be measured never stopping the rest."""
import importlib
import time
import traceback

from .machine import cpu_snapshot, load_average, other_cores
from .results import GroupResult, Unavailable

GROUPS = ("losses", "gradcheck", "training", "notebooks", "autograde", "widgets")


def group_module(name):
    if name not in GROUPS:
        raise ValueError(f"unknown benchmark group {name!r}; the groups are {', '.join(GROUPS)}")
    return importlib.import_module(f"benchmarks.groups.{name}")


def run_group(name, settings, **overrides):
    """Run one group; returns its GroupResult (with ``error`` set if it could not be measured or crashed)."""
    module = group_module(name)
    start, load_start, snapshot = time.perf_counter(), load_average(), cpu_snapshot()
    try:
        result = module.run(settings, **overrides)
    except Unavailable as reason:
        result = GroupResult(name, module.TITLE, error=f"not measured: {reason}")
    except Exception:
        result = GroupResult(name, module.TITLE, error=f"crashed:\n{traceback.format_exc()}")
    result.seconds = time.perf_counter() - start
    result.load = (load_start, load_average())
    if result.other_cores is None:   # a group may measure it itself, over the part where it can
        result.other_cores = other_cores(snapshot, cpu_snapshot())
    return result


def run_groups(names, settings, on_result=None):
    """Run the named groups in the order of GROUPS; ``on_result(result)`` is called as each one finishes."""
    results = []
    for name in [group for group in GROUPS if group in names]:
        result = run_group(name, settings)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
