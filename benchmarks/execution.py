"""Running a notebook top to bottom in a fresh kernel, as nbgrader does, and timing it.

    execute_notebook(path, folder, env) -> NotebookRun(seconds, cell_seconds)

The assignment's folder is copied into ``folder`` first and the kernel starts there, so a notebook that writes
files leaves the course untouched. ``seconds`` is the wall time from starting the kernel to shutting it down (what a
grader pays per notebook); ``cell_seconds`` lists each code cell's execution time, from the kernel's own
timestamps, to find where the time goes.
"""
import datetime
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class NotebookRun:
    seconds: float
    cell_seconds: tuple   # (cell index, first line of its source, seconds), in notebook order

    def slowest(self, count=3):
        return sorted(self.cell_seconds, key=lambda cell: -cell[2])[:count]


def _parse(stamp):
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def cell_durations(nb):
    """(index, first source line, seconds) of each executed code cell, from nbclient's recorded timestamps."""
    found = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            seconds = (_parse(timing["shell.execute_reply"]) - _parse(timing["iopub.execute_input"])).total_seconds()
            first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
            found.append((index, first_line[:60], seconds))
    return tuple(found)


def execute_notebook(path, folder, env, timeout=CELL_TIMEOUT_SECONDS):
    """Execute the notebook at ``path`` in a copy of its folder placed in ``folder``; returns a NotebookRun.

    A cell that raises stops the run with nbclient's CellExecutionError (a source notebook must run cleanly).
    """
    from nbclient import NotebookClient

    path, folder = Path(path), Path(folder)
    copy = folder / path.parent.name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(path.parent, copy)
    nb = nbformat.read(copy / path.name, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, record_timing=True,
                            resources={"metadata": {"path": str(copy)}})
    start = time.perf_counter()
    # the kernel's own log (a warning about unencrypted local TCP) would interleave with the results table
    client.execute(env=dict(env), stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    return NotebookRun(seconds, cell_durations(nb))


def empty_notebook(folder):
    """A one-cell notebook (``pass``) in its own assignment folder: the cost of a kernel's start and shutdown."""
    folder = Path(folder) / "00_empty"
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"}
    path = folder / "00_empty.ipynb"
    nbformat.write(nb, path)
    return path
