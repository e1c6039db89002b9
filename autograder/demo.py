"""``course demo``: the instructor's whole cycle on a sample class, offline, in a new course folder.

1. release: every assignment generated and checked for leaks, and the student bundle written;
2. a sample class: one student submits the reference (whole notebooks), the others the reference with realistic
   bugs or alternative answers from the catalog (two of them also misname or forget a notebook), plus a cheater
   (release stubs and a cell that patches numpy and the visible checks) and a crasher (its kernel dies after the
   first test). Catalog-based submissions are trimmed to their setup and graded cells (see
   :func:`autograder.samples.trimmed`) so the demo takes minutes;
3. autograde, in parallel; 4. feedback; 5. the gradebook and the class summary.

The demo checks its own story at the end (the reference student has full marks, the cheater next to nothing, the
crasher's kernel death is reported) and exits non-zero otherwise.
"""
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import feedback, report
from .autograde import autograde
from .catalog import CATALOG_DIR, load_catalog
from .commands import print_outcomes
from .release import build_bundle, release
from .samples import cheating, crashing, trimmed, with_entry
from .table import render

NAMES = ["ada", "ben", "chloe", "dev", "emma", "farid", "grace", "hugo", "ines", "jonas", "kai", "lena", "milo",
         "nora", "omar", "pia", "quinn", "rosa", "sami", "tara"]
REFERENCE_STUDENT, CHEATER, CRASHER = "ada", "cheater", "crasher"
CHEATER_SHARE = 0.02  # at most this share of the points: what constant answers earn on merit


@dataclass
class Student:
    name: str
    plan: dict = field(default_factory=dict)     # assignment -> what was submitted, in words


def run_demo(course, folder=None, students=12, workers=None, overrides=None, progress=True, catalog_dir=CATALOG_DIR,
             out=print):
    started = time.perf_counter()
    folder = Path(folder or tempfile.mkdtemp(prefix="course-demo-")).resolve()
    assignments = course.assignments()
    demo = course.copy_to(folder, assignments)

    _step(out, 1, f"release {len(assignments)} assignment(s)")
    checks = release(demo, assignments, validate=False, log=out)
    problems = [problem for check in checks for problem in check.problems]
    problems += build_bundle(demo, assignments, folder / "student_bundle.zip")
    out("student bundle: " + ("; ".join(problems) if problems else str(folder / "student_bundle.zip")))

    _step(out, 2, "a sample class")
    roster = sample_class(demo, assignments, load_catalog(Path(catalog_dir)), students)
    out(render(["student"] + assignments, [[s.name] + [s.plan.get(a, "-") for a in assignments] for s in roster],
               max_width=34))

    _step(out, 3, "autograde")
    grading_started = time.perf_counter()
    outcomes = autograde(demo, assignments, workers=workers, overrides=overrides or {}, progress=progress)
    print_outcomes(outcomes, time.perf_counter() - grading_started)

    _step(out, 4, "feedback")
    pages, leaks = feedback.generate(demo, assignments)
    problems += leaks
    out(f"{len(pages)} pages, e.g. {pages[0] if pages else '(none)'}")

    _step(out, 5, "gradebook")
    paths, rows, totals = report.write(demo, folder / "reports", assignments)
    out(report.gradebook_table(totals))
    out("")
    out(report.summary(totals, rows))
    out("\nwritten: " + ", ".join(str(p) for p in paths))

    failures = problems + story_failures(demo, rows, outcomes)
    out(f"\ndemo finished in {time.perf_counter() - started:.0f} s; the course folder is {folder} "
        "(feedback/, reports/, student_bundle.zip): delete it when done.")
    if failures:
        out("the demo did not go as expected:\n  " + "\n  ".join(failures))
    return 1 if failures else 0


def _step(out, number, title):
    out(f"\n== {number}. {title} " + "=" * max(0, 60 - len(title)))


def sample_class(course, assignments, catalog, size, seed=0):
    """Write the sample class's submissions into ``course``; returns the roster (who submitted what)."""
    rng = random.Random(seed)
    names = NAMES[:max(1, size)] + [f"student{i:02d}" for i in range(len(NAMES), size)]
    roster = [Student(name) for name in names] + [Student(CHEATER), Student(CRASHER)]
    for assignment in assignments:
        entries = [e for e in catalog if e.assignment == assignment]
        for notebook in course.notebooks(assignment):
            source = nbformat.read(str(course.source_notebook(assignment, notebook)), as_version=4)
            released = nbformat.read(str(course.path("release", ".", assignment) / f"{notebook}.ipynb"), as_version=4)
            for index, student in enumerate(roster):
                nb, plan = _submission(student.name, index, source, released, entries, rng)
                if student.name == names[-1] and len(names) > 2 and assignment == assignments[-1]:
                    student.plan[assignment] = "nothing (forgot to submit)"
                    continue
                filename = f"{notebook}.ipynb"
                if index == 1 and assignment == assignments[0]:
                    filename, plan = f"{notebook} (1).ipynb", plan + ", misnamed"
                folder = course.path("submitted", student.name, assignment)
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(folder / filename))
                student.plan[assignment] = plan
    return roster


def _submission(name, index, source, released, entries, rng):
    if name == REFERENCE_STUDENT:
        return source, "reference (whole notebook)"
    if name == CHEATER:
        return cheating(trimmed(released)), "stubs + patched numpy/checks"
    if name == CRASHER:
        return crashing(trimmed(source)), "kills its kernel after test 1"
    bugs = [e for e in entries if e.is_bug]
    alternatives = [e for e in entries if not e.is_bug]
    roll = rng.random()
    if roll < 0.25 or not bugs:
        return trimmed(source), "reference"
    if roll < 0.4 and alternatives:
        entry = rng.choice(alternatives)
        return trimmed(with_entry(source, entry)), f"alt: {entry.id}"
    chosen = [rng.choice(bugs)]
    others = [e for e in bugs if e.answer != chosen[0].answer]
    if roll > 0.85 and others:
        chosen.append(rng.choice(others))
    nb = source
    for entry in chosen:
        nb = with_entry(nb, entry)
    return trimmed(nb), "bug: " + " + ".join(e.id for e in chosen)


def story_failures(course, rows, outcomes):
    """What did not happen as the demo promises (empty when the story holds)."""
    failures = []
    tests = [r for r in rows if r.kind == "test"]
    lost = [f"{r.assignment}/{r.cell}" for r in tests if r.student == REFERENCE_STUDENT and (r.score or 0) < r.max_score]
    if lost:
        failures.append(f"the reference student lost points in {', '.join(lost)}")
    # the cheater's stubs return 0 instead of raising: a check whose right answer is 0 may give them a sliver
    cheated = sum(r.score or 0 for r in tests if r.student == CHEATER)
    possible = sum(r.max_score for r in tests if r.student == CHEATER)
    if cheated > CHEATER_SHARE * possible:
        failures.append(f"the cheater scored {cheated:g} of {possible:g} points")
    crashed = [o for o in outcomes if o.student == CRASHER]
    if not crashed or not all(any("kernel died" in m for m in o.messages) for o in crashed):
        failures.append("the crasher's kernel death was not reported for every assignment")
    return failures
