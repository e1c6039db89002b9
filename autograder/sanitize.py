"""First sanitizing step of autograde: a cell's nbgrader metadata comes from the gradebook, never from the submission.

nbgrader's ``OverwriteCells`` restores the source, points and lock of known cells, but trusts the ``grade`` and
``solution`` flags a submission carries, and fails the whole submission when it meets a graded cell it does not know.
So a student could flip a test cell to ``solution: true`` (it is then skipped by the judge and left for manual
grading), mark an answer cell as graded, or add a cell worth 100 points that breaks their grading.
:class:`RestoreCellMetadata` runs before it and

- gives every cell whose ``grade_id`` the assignment knows the gradebook's flags (grade, solution, task, locked)
  and points;
- strips the nbgrader metadata from any cell whose ``grade_id`` it does not know (it becomes an ordinary cell; if it
  replaced a real test cell, ``OverwriteCells`` puts that cell back).
"""
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor


class RestoreCellMetadata(NbGraderPreprocessor):
    """Reset each cell's nbgrader flags and points to the gradebook's; drop the metadata of unknown cells."""

    def preprocess(self, nb, resources):
        known = self._known_cells(resources["nbgrader"])
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id")
            if grade_id not in known:
                self.log.warning("Cell %r is not part of the assignment: its nbgrader metadata was removed",
                                 grade_id)
                del cell.metadata["nbgrader"]
                continue
            flags = known[grade_id]
            before = {key: meta.get(key) for key in flags}
            meta.update({key: value for key, value in flags.items() if key != "points"})
            if flags["grade"]:
                meta["points"] = flags["points"]
            else:
                meta.pop("points", None)
            changed = sorted(key for key in flags if before[key] != meta.get(key) and not
                             (key == "points" and _same_number(before[key], meta.get(key))))
            if changed:
                self.log.warning("Cell %r had its nbgrader %s changed: restored from the gradebook", grade_id,
                                 ", ".join(changed))
        return nb, resources

    @staticmethod
    def _known_cells(info):
        """``{grade_id: {grade, solution, task, locked, points}}`` for the notebook, from the gradebook."""
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            points = {cell.name: cell.max_score for cell in notebook.grade_cells}
            solutions = {cell.name for cell in notebook.solution_cells}
            tasks = {cell.name for cell in notebook.task_cells}
            return {cell.name: {"grade": cell.name in points, "solution": cell.name in solutions,
                                "task": cell.name in tasks, "locked": bool(cell.locked),
                                "points": points.get(cell.name)}
                    for cell in notebook.source_cells}


def _same_number(a, b):
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a == b
