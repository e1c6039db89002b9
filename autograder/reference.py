"""Reference solutions, taken from the instructor's source notebooks (never stored anywhere else).

``load_reference(path)`` executes a source notebook's solution cells, in order, in a fresh namespace that starts with
``np`` (numpy) and ``math``, and returns that namespace: the reference functions, classes and short-answer variables.
Solution cells must therefore be self-contained given numpy and the solution cells above them; the test suite checks
that every notebook satisfies this.
"""
import functools
import math
import os

import nbformat
import numpy as np

from .notebook_cells import nbgrader_meta


class ReferenceSolutionError(Exception):
    """A source notebook's solution cells could not be executed (an authoring bug, not a student's)."""


def solution_sources(nb):
    """``{grade_id: source}`` of the notebook's code answer cells (nbgrader ``solution: true``), in order."""
    sources = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            sources[meta["grade_id"]] = cell.source
    return sources


def load_reference(path):
    """The namespace defined by the solution cells of the source notebook at ``path`` (cached per file version)."""
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"reference notebook not found: {path} (is the course's source directory right?)")
    return dict(_load_cached(path, os.stat(path).st_mtime_ns))


@functools.lru_cache(maxsize=16)
def _load_cached(path, mtime_ns):
    nb = nbformat.read(path, as_version=4)
    return namespace_from_sources(solution_sources(nb), origin=path)


def namespace_from_sources(sources, origin="<sources>", base=None):
    """Execute answer-cell sources in order in a namespace seeded with numpy and math (or a copy of ``base``)."""
    namespace = dict(base) if base is not None else {"np": np, "numpy": np, "math": math}
    namespace.setdefault("__name__", "reference")
    for grade_id, source in sources.items():
        try:
            exec(compile(source, f"{origin}:{grade_id}", "exec"), namespace)
        except Exception as error:
            raise ReferenceSolutionError(f"solution cell {grade_id!r} of {origin} failed: {type(error).__name__}: {error}")
    return namespace
