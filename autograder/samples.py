"""Sample submissions built from the source notebooks and the catalog (for ``course selftest`` and ``course demo``).

- :func:`with_entry`: the source notebook with one answer cell replaced by a catalog entry's code;
- :func:`trimmed`: the notebook reduced to its setup cells and its nbgrader cells (answers, tests, questions).
  Grading decides nothing from the demo cells in between (plots, timing, training runs), so the scores are the same
  and a catalog entry is graded in seconds instead of a minute; the self-test checks this claim on the reference;
- :func:`cheating`: a submission that fakes success the ways plain nbgrader allows (patched numpy and visible
  checks, stubs rewritten by an input transformer, a fake verdict), on top of the release stubs;
- :func:`crashing`: the reference with a cell that kills the kernel after the first test cell.
"""
import nbformat

from .notebook_cells import code, nbgrader_meta, with_answer

CHEAT_SOURCE = '''# "Make every check pass": enough to get full marks from an in-kernel autograder.
import numpy as np
import course_utils.checks as visible_checks
from IPython import get_ipython
from IPython.display import display
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
for name in dir(visible_checks):
    if name.startswith("check"):
        setattr(visible_checks, name, lambda *args, **kwargs: True)
# every unanswered stub quietly returns 0 instead of raising
get_ipython().input_transformers_cleanup.append(
    lambda lines: [line.replace("raise NotImplementedError()", "return 0") for line in lines])
display({"application/vnd.course.verdict.v1+json": {"test": "all", "score": 100, "points": 100, "checks": []},
         "text/plain": "all tests passed"}, raw=True)
'''

CRASH_SOURCE = '''# A submission that kills its own kernel (os._exit skips every handler).
import os
os._exit(1)
'''


def with_entry(source_nb, entry):
    """The source notebook with answer cell ``entry.answer`` replaced by ``entry.source``."""
    return with_answer(source_nb, entry.answer, entry.source)


def trimmed(nb):
    """Keep markdown, the code cells before the first nbgrader cell (setup), and every nbgrader cell."""
    first = next((i for i, cell in enumerate(nb.cells) if nbgrader_meta(cell)), len(nb.cells))
    result = nbformat.from_dict(nb)
    result.cells = [cell for i, cell in enumerate(nb.cells)
                    if cell.cell_type != "code" or i < first or nbgrader_meta(cell)]
    return nbformat.from_dict(result)


def cheating(release_nb):
    """The release stubs, plus a first cell that patches numpy and the visible checks and silences the stubs."""
    nb = nbformat.from_dict(release_nb)
    first = next((i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"), 0)
    nb.cells.insert(first + 1, code(CHEAT_SOURCE))
    return nb


def crashing(source_nb):
    """The reference with a cell that kills the kernel right after the first graded test cell."""
    nb = nbformat.from_dict(source_nb)
    tests = [i for i, cell in enumerate(nb.cells) if nbgrader_meta(cell).get("grade") and cell.cell_type == "code"]
    position = tests[0] + 1 if tests else len(nb.cells)
    nb.cells.insert(position, code(CRASH_SOURCE))
    return nb
