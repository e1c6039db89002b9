"""``course report``: the gradebook as two CSV files and a class summary.

- ``grades.csv``: one row per student and assignment, written by nbgrader's own CSV export (what ``nbgrader export``
  writes: raw score, late penalty, score, max score; a missing submission counts 0);
- ``grades_by_test.csv``: one row per student, assignment and graded cell: its score, and for autograded test cells
  which hidden checks failed and the first failure's message, read from the judge's verdict in the autograded
  notebook (output type ``VERDICT_MIME``);
- the summary: per assignment the spread of totals, and per test cell how many students lost points and the check
  that failed most often.

Scores come from the gradebook (so a grader's manual override shows); the verdicts only explain them.
"""
import collections
import csv
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .judge import VERDICT_MIME
from .notebook_cells import is_autograded_test, nbgrader_meta
from .table import render

BY_TEST_COLUMNS = ["assignment", "student_id", "notebook", "cell", "kind", "score", "max_score", "failed_checks",
                   "first_failure"]


@dataclass
class CellRow:
    assignment: str
    student: str
    notebook: str
    cell: str
    kind: str           # test | manual
    score: float
    max_score: float
    failed: list = field(default_factory=list)     # (check name, description, message)

    def as_csv(self):
        first = self.failed[0] if self.failed else None
        return [self.assignment, self.student, self.notebook, self.cell, self.kind,
                "" if self.score is None else self.score, self.max_score,
                ";".join(name for name, _, _ in self.failed),
                f"{first[1]}: {first[2]}" if first else ""]


def write(course, output_folder, assignments=None):
    """Write grades.csv and grades_by_test.csv into ``output_folder``; returns (paths, rows, totals)."""
    output_folder = Path(output_folder)
    output_folder.mkdir(parents=True, exist_ok=True)
    totals_path = output_folder / "grades.csv"
    export_totals(course, totals_path, assignments)
    rows = cell_rows(course, assignments)
    by_test_path = output_folder / "grades_by_test.csv"
    with open(by_test_path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(BY_TEST_COLUMNS)
        writer.writerows(row.as_csv() for row in rows)
    return (totals_path, by_test_path), rows, read_totals(totals_path)


def export_totals(course, path, assignments=None):
    """nbgrader's CSV export of the gradebook (the same file ``nbgrader export`` writes)."""
    from nbgrader.api import Gradebook  # noqa: PLC0415
    from nbgrader.plugins import CsvExportPlugin  # noqa: PLC0415

    plugin = CsvExportPlugin(config=course.config)
    plugin.to = str(path)
    plugin.assignment = list(assignments or [])
    with Gradebook(course.db_url, course.course_id) as gradebook:
        plugin.export(gradebook)


def read_totals(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def cell_rows(course, assignments=None):
    """One CellRow per graded cell of every submission in the gradebook."""
    from nbgrader.api import Gradebook  # noqa: PLC0415

    rows = []
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for assignment in gradebook.assignments:
            if assignments and assignment.name not in assignments:
                continue
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                for notebook in submission.notebooks:
                    verdicts = read_verdicts(course.path("autograded", submission.student.id, assignment.name)
                                             / f"{notebook.name}.ipynb")
                    for grade in sorted(notebook.grades, key=lambda g: g.cell.name):
                        kind = "test" if grade.cell.cell_type == "code" and grade.auto_score is not None else "manual"
                        verdict = verdicts.get(grade.name, {})
                        failed = [(c.get("name", ""), c.get("description", ""), c.get("message", ""))
                                  for c in verdict.get("checks", []) if not c.get("passed")]
                        rows.append(CellRow(assignment.name, submission.student.id, notebook.name, grade.name, kind,
                                            grade.score, grade.max_score, failed))
    return rows


def read_verdicts(path):
    """``{test cell id: verdict payload}`` from the graded test cells of an autograded notebook ({} if absent)."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (OSError, ValueError):
        return {}
    found = {}
    for cell in nb.cells:
        if not is_autograded_test(cell):
            continue
        meta = nbgrader_meta(cell)
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(VERDICT_MIME)
            if isinstance(payload, dict) and payload.get("test") == meta.get("grade_id"):
                found[meta["grade_id"]] = payload
    return found


def summary(totals, rows):
    """The class summary as text: totals per assignment, then per test cell."""
    per_assignment = collections.defaultdict(list)
    maxima = {}
    for row in totals:
        if row.get("timestamp") or float(row["raw_score"] or 0) > 0 or _submitted(rows, row):
            per_assignment[row["assignment"]].append(float(row["score"] or 0))
        maxima[row["assignment"]] = float(row["max_score"] or 0)
    assignment_rows = []
    for name in sorted(maxima):
        scores = per_assignment.get(name, [])
        assignment_rows.append([name, len(scores), maxima[name], _stat(statistics.mean, scores),
                                _stat(statistics.median, scores), _stat(min, scores), _stat(max, scores)])
    text = [render(["assignment", "graded", "max", "mean", "median", "min", "max scored"], assignment_rows)]
    test_rows = []
    by_cell = collections.defaultdict(list)
    for row in rows:
        if row.kind == "test":
            by_cell[(row.assignment, row.cell)].append(row)
    for (assignment, cell), cell_rows_ in sorted(by_cell.items()):
        lost = [r for r in cell_rows_ if (r.score or 0) < r.max_score]
        checks = collections.Counter(name for r in lost for name, _, _ in r.failed)
        common = ", ".join(f"{name} ({count})" for name, count in checks.most_common(2))
        mean = statistics.mean((r.score or 0) / r.max_score for r in cell_rows_ if r.max_score) if cell_rows_ else 0
        test_rows.append([assignment, cell, cell_rows_[0].max_score, f"{mean:.0%}", len(lost), common])
    if test_rows:
        text.append(render(["assignment", "test", "points", "mean", "lost points", "most failed checks"], test_rows))
    return "\n\n".join(text)


def _submitted(rows, total):
    return any(r.assignment == total["assignment"] and r.student == total["student_id"] for r in rows)


def _stat(function, values):
    return round(function(values), 2) if values else None


def gradebook_table(totals):
    """Students × assignments table of scores (the gradebook at a glance)."""
    assignments = sorted({row["assignment"] for row in totals})
    students = sorted({row["student_id"] for row in totals})
    score = {(row["student_id"], row["assignment"]): float(row["score"] or 0) for row in totals}
    maxima = {row["assignment"]: float(row["max_score"] or 0) for row in totals}
    rows = [[student] + [score.get((student, a)) for a in assignments]
            + [round(sum(score.get((student, a), 0) for a in assignments), 2)] for student in students]
    headers = ["student"] + [f"{a} (/{maxima[a]:g})" for a in assignments] + [f"total (/{sum(maxima.values()):g})"]
    return render(headers, rows)
