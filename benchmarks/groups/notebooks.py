"""Group 4: each source notebook executed top to bottom in a fresh kernel (with its solutions, as the autograder runs a
correct submission). Targets: under 60 s each and under 120 s for the whole course.

Rounds are interleaved (every notebook once per round) and each notebook's figure is the median over the rounds.
An empty notebook run the same way is the baseline: the part of the time that is starting and stopping a kernel.
"""
import os
import tempfile
from pathlib import Path

from ..blas import thread_environment
from ..course import REPO, source_notebooks
from ..execution import empty_notebook, execute_notebook
from ..results import GroupResult, Row, Target, Unavailable
from ..settings import group_parameters
from ..timing import Timing, format_number

NAME = "notebooks"
TITLE = "4. Source notebooks, top to bottom"
FULL = {"rounds": 3, "notebooks": None}
QUICK = {"rounds": 1, "notebooks": None}
NOTEBOOK_TARGET = Target("value", "<", 60.0, "each")
COURSE_TARGET = Target("value", "<", 120.0, "in all")


def run(settings, **overrides):
    p = group_parameters(FULL, QUICK, settings, overrides)
    paths = [Path(path) for path in (p["notebooks"] or source_notebooks())]
    if not paths:
        raise Unavailable("no source notebooks found under notebooks/")
    env = dict(os.environ, **thread_environment(settings.threads))
    with tempfile.TemporaryDirectory(prefix="bench-notebooks-", dir=settings.workdir) as scratch:
        scratch = Path(scratch)
        empty = empty_notebook(scratch / "empty")
        samples = {path: [] for path in [empty, *paths]}
        last_runs = {}
        for round_index in range(p["rounds"]):
            for path in samples:
                run_result = execute_notebook(path, scratch / f"round{round_index}", env)
                samples[path].append(run_result.seconds)
                last_runs[path] = run_result
    kernel = Timing(tuple(samples[empty]))
    result = GroupResult(NAME, TITLE, parameters={"rounds": p["rounds"], "threads": settings.threads,
                                                  "notebooks": [_name(path) for path in paths]})
    total = 0.0
    for path in paths:
        timing = Timing(tuple(samples[path]))
        total += timing.median
        result.rows.append(Row(_name(path), timing.median, "s", timing.median / kernel.median, "empty notebook",
                               target=NOTEBOOK_TARGET, detail=_detail(timing), timing=timing))
        slowest = "; ".join(f"cell {index} `{line}` {format_number(seconds)} s"
                            for index, line, seconds in last_runs[path].slowest())
        result.notes.append(f"{_name(path)}: slowest cells: {slowest}.")
    result.rows.append(Row("whole course (sum of the medians)", total, "s", total / kernel.median, "empty notebook",
                           target=COURSE_TARGET))
    result.rows.append(Row("empty notebook (kernel start and shutdown)", kernel.median, "s", detail=_detail(kernel),
                           timing=kernel))
    result.notes.insert(0, f"Each notebook runs in a copy of its folder, in a new python3 kernel with "
                           f"{settings.threads} BLAS thread(s), through nbclient (kernel start to shutdown). "
                           f"{p['rounds']} interleaved round(s).")
    return result


def _name(path):
    path = Path(path)
    try:
        return str(path.relative_to(REPO / "notebooks").parent)
    except ValueError:
        return path.stem


def _detail(timing):
    if timing.repeats == 1:
        return "1 run"
    return f"median of {timing.repeats} (max {format_number(max(timing.samples))} s)"
