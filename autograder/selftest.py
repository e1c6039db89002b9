"""``course selftest``: prove the grading right on known answers, through the real pipeline, in a throwaway course.

For every selected assignment, submissions are built and graded by ``course autograde`` itself (nbgrader, the
sandboxed kernel, the judge, the merge):

=====================  ==========================================================  =================================
case                   submission                                                  passes when
=====================  ==========================================================  =================================
reference              the source notebook, every cell                             every test cell has full marks
reference (trimmed)    the same, reduced like the catalog entries (see samples)    every test cell has full marks
stubs                  the release                                                 0 points, and it was graded
bug                    the source with one answer replaced by a catalog bug        it loses points in each cell of
                                                                                   its ``caught_by``
alternative            the source with one answer replaced by a catalog            every test cell has full marks
                       alternative
=====================  ==========================================================  =================================

Catalog entries are graded trimmed unless ``full`` (the whole notebook, demos included: minutes instead of
seconds per entry); the trimmed reference shows the trimming changes no score. The table says, for each bug, which
test cells caught it and which checks failed.
"""
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .autograde import autograde
from .catalog import CATALOG_DIR, load_catalog
from .course import CourseError
from .release import release
from .report import cell_rows
from .samples import trimmed, with_entry
from .table import render


@dataclass
class Case:
    student: str
    assignment: str
    kind: str                 # reference | reference (trimmed) | stubs | bug | alternative
    entry: object = None
    passed: bool = False
    detail: str = ""
    lost: dict = field(default_factory=dict)     # test cell -> (score, max, [failed checks])

    @property
    def expectation(self):
        if self.kind == "bug":
            return "loses points in " + ", ".join(self.entry.caught_by)
        if self.kind == "stubs":
            return "0 points, graded"
        return "full marks"


def run_selftest(course, assignments, only=(), full=False, keep=None, workers=None, overrides=None, progress=True,
                 catalog_dir=CATALOG_DIR, out=print):
    """Build, grade and judge every case; print the table; return the exit code (0: all passed)."""
    entries = select_entries(load_catalog(Path(catalog_dir)), assignments, only)
    with _folder(keep) as folder:
        test_course = course.copy_to(folder, assignments)
        checks = release(test_course, assignments, validate=False, log=lambda message: None)
        cases = build_cases(test_course, assignments, entries, full)
        out(f"self-test: {len(cases)} submissions ({len(entries)} catalog entries) in {folder}")
        outcomes = autograde(test_course, assignments, workers=workers, force=True, overrides=overrides or {},
                             progress=progress)
        judge_cases(test_course, cases, outcomes)
    failures = [c for c in cases if not c.passed] + [c for c in checks if not c.ok]
    out(render(["result", "kind", "case", "expected", "what happened"], table_rows(cases), max_width=90))
    for check in checks:
        if not check.ok:
            out(f"FAIL release {check.assignment}: " + "; ".join(check.problems))
    out(summary_line(cases))
    return 1 if failures else 0


class _folder:
    """The given folder (kept), or a temporary one removed afterwards."""

    def __init__(self, keep):
        self.keep, self.temporary = keep, None

    def __enter__(self):
        if self.keep:
            Path(self.keep).mkdir(parents=True, exist_ok=True)
            return Path(self.keep)
        self.temporary = tempfile.TemporaryDirectory(prefix="course-selftest-")
        return Path(self.temporary.name)

    def __exit__(self, *exc):
        if self.temporary:
            self.temporary.cleanup()
        return False


def select_entries(catalog, assignments, only):
    known = {entry.id for entry in catalog}
    unknown = sorted(set(only) - known)
    if unknown:
        raise CourseError(f"no catalog entries {', '.join(unknown)}")
    return [e for e in catalog if e.assignment in assignments and (not only or e.id in only)]


def build_cases(course, assignments, entries, full):
    """Write one submission per case into course/submitted/ and return the cases."""
    cases = []
    for assignment in assignments:
        for notebook in course.notebooks(assignment):
            source = nbformat.read(str(course.source_notebook(assignment, notebook)), as_version=4)
            released = nbformat.read(str(course.path("release", ".", assignment) / f"{notebook}.ipynb"),
                                     as_version=4)
            submissions = {"reference": (source, "reference"), "stubs": (released, "stubs")}
            if not full:
                submissions["reference-trimmed"] = (trimmed(source), "reference (trimmed)")
            for student, (nb, kind) in submissions.items():
                _submit(course, student, assignment, notebook, nb)
                cases.append(Case(student, assignment, kind))
            for entry in (e for e in entries if e.assignment == assignment):
                case = Case(entry.id, assignment, "bug" if entry.is_bug else "alternative", entry)
                try:
                    nb = with_entry(source, entry)
                except KeyError as error:
                    case.detail = f"the catalog entry's answer cell does not exist: {error}"
                    cases.append(case)
                    continue
                _submit(course, entry.id, assignment, notebook, nb if full else trimmed(nb))
                cases.append(case)
    return cases


def _submit(course, student, assignment, notebook, nb):
    folder = course.path("submitted", student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{notebook}.ipynb"))


def judge_cases(course, cases, outcomes):
    """Decide each case from the gradebook (scores) and the autograded notebooks (which checks failed)."""
    by_submission = {(o.student, o.assignment): o for o in outcomes}
    rows = {}
    for row in cell_rows(course):
        if row.kind == "test":
            rows.setdefault((row.student, row.assignment), {})[row.cell] = row
    for case in cases:
        if case.detail:  # could not even be built
            continue
        outcome = by_submission.get((case.student, case.assignment))
        if outcome is None or outcome.status != "graded":
            case.detail = "not graded: " + (" | ".join(outcome.messages) if outcome else "no outcome")
            continue
        cells = rows.get((case.student, case.assignment), {})
        case.lost = {name: (row.score or 0.0, row.max_score, [n for n, _, _ in row.failed])
                     for name, row in cells.items() if (row.score or 0.0) < row.max_score}
        _decide(case, cells)


def _decide(case, cells):
    if case.kind == "stubs":
        total = sum(row.score or 0.0 for row in cells.values())
        case.passed = bool(cells) and total == 0
        case.detail = "0 points" if case.passed else f"scored {total:g}"
    elif case.kind == "bug":
        unknown = [name for name in case.entry.caught_by if name not in cells]
        missed = [name for name in case.entry.caught_by if name in cells and name not in case.lost]
        case.passed = not unknown and not missed
        case.detail = _describe_lost(case.lost) or "lost no points"
        if unknown:
            case.detail += f"; caught_by names unknown test cells {unknown}"
        if missed:
            case.detail += f"; NOT caught by {', '.join(missed)}"
    else:
        case.passed = bool(cells) and not case.lost
        case.detail = "full marks" if case.passed else "lost " + _describe_lost(case.lost)


def _describe_lost(lost):
    return "; ".join(f"{name} {score:g}/{points:g} [{', '.join(checks)}]" if checks else f"{name} {score:g}/{points:g}"
                     for name, (score, points, checks) in sorted(lost.items()))


def table_rows(cases):
    rows = []
    for case in cases:
        name = case.entry.id if case.entry else f"{case.assignment}"
        if case.entry:
            name += f" ({case.entry.answer})"
        rows.append(["PASS" if case.passed else "FAIL", case.kind, name, case.expectation, case.detail])
    return rows


def summary_line(cases):
    def count(kind):
        chosen = [c for c in cases if c.kind == kind]
        return sum(c.passed for c in chosen), len(chosen)

    parts = []
    for kind, verb in (("reference", "full marks"), ("reference (trimmed)", "full marks"), ("stubs", "score 0"),
                       ("bug", "caught"), ("alternative", "full marks")):
        passed, total = count(kind)
        if total:
            parts.append(f"{kind}: {passed}/{total} {verb}")
    failed = sum(not c.passed for c in cases)
    return ("PASSED" if not failed else f"FAILED ({failed} case(s))") + ": " + "; ".join(parts)

