"""What each ``course`` subcommand does: read the options, call the module that does the work, print the outcome."""
import time

from .catalog import CATALOG_DIR
from .cli import EXIT_FAILED, EXIT_OK, open_course
from .course import CourseError
from .sandbox import isolation_warning, namespace_support
from .table import render

MEMORY_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def cmd_release(args):
    """Generate the student version of each assignment (nbgrader generate_assignment), verify that it holds no
    solution code and no hidden test, run nbgrader validate on the source (must pass) and on the release with
    --invert (the stubs must pass no test), and optionally write the student bundle (release notebooks,
    course_utils and datasets; no autograder, no solutions, no tests) as a folder or a .zip file."""
    from .release import build_bundle, release  # noqa: PLC0415

    course = open_course(args)
    assignments = course.select(args.assignments)
    checks = release(course, assignments, validate=args.validate, workers=args.jobs)
    rows = [[c.assignment, len(c.files), "yes" if c.validated else "skipped", "ok" if c.ok else "; ".join(c.problems)]
            for c in checks]
    print("\n" + render(["assignment", "files", "validated", "verdict"], rows, max_width=100))
    failed = [c for c in checks if not c.ok]
    if args.bundle:
        if failed:
            print(f"\nno bundle written: {len(failed)} assignment(s) failed verification")
        else:
            problems = build_bundle(course, assignments, args.bundle)
            if problems:
                print("\nno bundle written:\n  " + "\n  ".join(problems))
                return EXIT_FAILED
            print(f"\nstudent bundle written to {args.bundle}")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_autograde(args):
    """Grade the collected submissions (submitted/<student>/<assignment>/) of one assignment, one student, or
    everything, in parallel (one process per core by default), each in its own scratch course with a sandboxed kernel.
    A re-run skips submissions already graded with the same files, tests and checks (--force grades them again);
    Ctrl-C keeps everything finished so far. Missing, misnamed and corrupt notebooks are reported, not fatal."""
    from .autograde import Interrupted, autograde  # noqa: PLC0415

    course = open_course(args)
    assignments = course.select(args.assignments)
    warn_if_not_isolated(args)
    started = time.perf_counter()
    try:
        outcomes = autograde(course, assignments, students=args.student or None, workers=args.jobs,
                             force=args.force, overrides=grading_overrides(args), progress=args.progress)
    except Interrupted as interrupted:
        print_outcomes(interrupted.outcomes, time.perf_counter() - started)
        raise KeyboardInterrupt from None
    if not outcomes:
        where = course.path("submitted")
        print(f"no submissions found in {where} for {', '.join(assignments)} "
              "(expected submitted/<student>/<assignment>/<notebook>.ipynb)")
        return EXIT_OK
    print_outcomes(outcomes, time.perf_counter() - started)
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FAILED


def print_outcomes(outcomes, seconds, limit=40):
    counts = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    shown = outcomes if len(outcomes) <= limit else [o for o in outcomes if o.messages or not o.ok]
    if shown:
        rows = [[o.student, o.assignment, o.status, o.score, o.max_score, " | ".join(o.messages)] for o in shown]
        print(render(["student", "assignment", "status", "score", "max", "notes"], rows, max_width=110))
    print(", ".join(f"{count} {status}" for status, count in sorted(counts.items())) + f" ({seconds:.1f} s)")


def warn_if_not_isolated(args):
    if getattr(args, "isolation", None) == "none":
        return
    available, reason = namespace_support()
    if not available:
        print("warning: " + isolation_warning(reason))


def grading_overrides(args):
    overrides = {}
    if getattr(args, "timeout", None):
        overrides["Execute.timeout"] = args.timeout
    if getattr(args, "memory_limit", None):
        overrides["SandboxKernelManager.memory_limit"] = parse_size(args.memory_limit)
    if getattr(args, "isolation", None):
        overrides["SandboxKernelManager.isolation"] = args.isolation
    return overrides


def parse_size(text):
    """'4G' -> 4294967296; a plain number is bytes."""
    value = str(text).strip().upper().rstrip("B")
    unit = value[-1:] if value[-1:] in MEMORY_UNITS else ""
    try:
        return int(float(value[: len(value) - len(unit)]) * MEMORY_UNITS[unit])
    except ValueError:
        raise CourseError(f"--memory-limit: expected a size such as 4G or 512M, got {text!r}") from None


def cmd_feedback(args):
    """Write feedback/<student>/<assignment>/<notebook>.html for every autograded submission: each test's verdict
    table (which checks passed, what to fix), the student's code and output; never hidden tests or solutions."""
    from .feedback import generate  # noqa: PLC0415

    course = open_course(args)
    assignments = course.select(args.assignments)
    pages, problems = generate(course, assignments, args.student or None)
    for problem in problems:
        print(f"error: {problem}")
    if not pages and not problems:
        print("no autograded submissions: run `course autograde` first")
        return EXIT_FAILED
    print(f"{len(pages)} feedback page(s) written under {course.path('feedback')}")
    return EXIT_FAILED if problems else EXIT_OK


def cmd_report(args):
    """Export the gradebook: grades.csv (nbgrader export: one row per student and assignment) and
    grades_by_test.csv (one row per student and graded cell, with the hidden checks each student failed), then print
    the gradebook and a class summary."""
    from pathlib import Path  # noqa: PLC0415

    from .report import gradebook_table, summary, write  # noqa: PLC0415

    course = open_course(args)
    assignments = course.select(args.assignments)
    output = Path(args.output) if args.output else course.root / "reports"
    paths, rows, totals = write(course, output, assignments)
    print(gradebook_table(totals))
    print()
    print(summary(totals, rows))
    print("\nwritten: " + ", ".join(str(p) for p in paths))
    return EXIT_OK


def cmd_selftest(args):
    """Grade, through the real nbgrader pipeline in a throwaway course: the reference solutions (full marks), the
    release stubs (0, no crash), every buggy implementation of the catalog (autograder/catalog/*.yaml: each must
    lose points in the test cells it lists) and every alternative correct one (full marks). Prints a table and
    exits non-zero on any failure."""
    from .selftest import run_selftest  # noqa: PLC0415

    course = open_course(args)
    warn_if_not_isolated(args)
    return run_selftest(course, course.select(args.assignments), only=args.only, full=args.full_notebooks,
                        keep=args.keep, workers=args.jobs, overrides=grading_overrides(args),
                        progress=args.progress, catalog_dir=args.catalog or CATALOG_DIR)


def cmd_demo(args):
    """The instructor cycle on a sample class, offline, in a new course folder: release every assignment, create
    about a dozen students whose submissions come from the reference and the catalog (plus a cheater and a
    crasher), autograde them in parallel, write feedback and print the gradebook."""
    from .demo import run_demo  # noqa: PLC0415

    course = open_course(args)
    warn_if_not_isolated(args)
    return run_demo(course, folder=args.dir, students=args.students, workers=args.jobs,
                    overrides=grading_overrides(args), progress=args.progress, catalog_dir=args.catalog or CATALOG_DIR)
