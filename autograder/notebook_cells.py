"""Build and edit nbgrader notebooks with the course's cell conventions (nbgrader metadata schema 3).

The kinds of cell a course notebook is made of:

- ``markdown(text)`` / ``code(source)``: ordinary cells (explanations, setup, demos, plots);
- ``answer(grade_id, source)``: an autograded answer cell; ``source`` holds the solution between
  ``### BEGIN SOLUTION`` / ``### END SOLUTION``;
- ``test(grade_id, points, source)``: a locked autograder test cell (visible checks + a hidden block);
- ``question(grade_id, text)`` + ``written_answer(grade_id, points, text)``: a locked markdown question and the
  manually graded markdown cell below it, which TAs grade in the formgrader.

``with_answer(nb, grade_id, source)`` returns a copy of a notebook with one answer cell's source replaced, which is
how the self-test builds buggy and alternative submissions.
"""
import copy

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _nbgrader(grade_id, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text):
    return nbformat.v4.new_markdown_cell(text)


def code(source):
    return nbformat.v4.new_code_cell(source)


def answer(grade_id, source):
    """An autograded answer cell: the student's code goes here; graded through test cells."""
    return nbformat.v4.new_code_cell(source, metadata=_nbgrader(grade_id, solution=True))


def test(grade_id, points, source):
    """A locked autograder test cell worth ``points``; its grade_id starts with ``test_``."""
    if not grade_id.startswith("test_"):
        raise ValueError(f"test cell grade_id must start with 'test_', got {grade_id!r}")
    return nbformat.v4.new_code_cell(source, metadata=_nbgrader(grade_id, grade=True, locked=True, points=points))


def question(grade_id, text):
    """A locked markdown cell holding a written question (students cannot edit it)."""
    return nbformat.v4.new_markdown_cell(text, metadata=_nbgrader(grade_id, locked=True))


def written_answer(grade_id, points, text):
    """A manually graded markdown answer cell; ``text`` is the model answer (between the solution markers)."""
    return nbformat.v4.new_markdown_cell(text, metadata=_nbgrader(grade_id, grade=True, solution=True,
                                                                     points=points))


def new_notebook(cells):
    """A notebook with the course's kernelspec and the given cells."""
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def nbgrader_meta(cell):
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id_of(cell):
    return nbgrader_meta(cell).get("grade_id")


def is_autograded_test(cell):
    """Whether the cell is an autograded test: a code cell with points that is not an answer."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def solution_lines(nb, min_length=25):
    """Distinctive code lines between the solution markers of a source notebook: those longer than ``min_length``
    characters that are not comments (shorter ones, such as "return loss", are too common to prove a leak)."""
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) > min_length and not line.strip().startswith("#"):
                lines.append(line.strip())
    return lines


def with_answer(nb, grade_id, source):
    """A copy of ``nb`` whose answer cell ``grade_id`` has ``source``; KeyError naming the ids if it is absent."""
    result = copy.deepcopy(nb)
    for cell in result.cells:
        if grade_id_of(cell) == grade_id:
            cell.source = source
            return result
    ids = [grade_id_of(c) for c in result.cells if grade_id_of(c)]
    raise KeyError(f"no cell with grade_id {grade_id!r}; the notebook has {ids}")
