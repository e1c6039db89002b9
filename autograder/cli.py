"""The ``course`` command: each step of the grading cycle is one subcommand (``course <step> --help`` for details).

    course release   [ASSIGNMENT...] [--bundle student_bundle.zip]   student versions, verified, and a bundle
    course autograde [ASSIGNMENT...] [--student ID]... [--jobs N]    grade submitted/ in parallel, resumable
    course feedback  [ASSIGNMENT...] [--student ID]...               per-student HTML (no hidden tests)
    course report    [ASSIGNMENT...] [--output DIR]                  grades.csv, grades_by_test.csv, class summary
    course selftest  [ASSIGNMENT...] [--jobs N]                      reference, stubs and catalog through nbgrader
    course demo      [--dir DIR]                                     the whole cycle on a sample class

Every command works on the course folder given by ``--course`` (default: the current folder when it holds an
nbgrader_config.py, else the repository this package comes from). ``--db`` points the gradebook elsewhere, e.g. at
PostgreSQL: ``--db postgresql://grader@dbhost/course``.
"""
import argparse
import signal
import sys
import warnings
from pathlib import Path

from . import _fast_imports  # noqa: F401 (first, before anything imports nbformat)
from .course import CONFIG_FILE, Course, CourseError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    signal.signal(signal.SIGTERM, _interrupt)  # a polite kill stops like Ctrl-C: finished work is kept
    warnings.filterwarnings("ignore", message=".*not in session.*")  # SQLAlchemy noise from nbgrader's gradebook
    try:
        return args.run(args)
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted: finished work is kept; run the same command again to continue", file=sys.stderr)
        return EXIT_INTERRUPTED


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def build_parser():
    usage = __doc__.split("\n\n")[1]
    parser = argparse.ArgumentParser(prog="course", formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Each step of the course's grading cycle is one command "
                                                 "(course COMMAND --help for details):\n\n" + usage,
                                     epilog="See docs/INSTRUCTORS.md for the whole cycle.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", metavar="DIR", default=None,
                        help=f"course folder holding {CONFIG_FILE} (default: current folder, else the repository)")
    common.add_argument("--db", metavar="URL", default=None,
                        help="gradebook database URL (default: sqlite:///<course>/gradebook.db); e.g. "
                             "postgresql://user@host/dbname")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    from . import commands as run  # noqa: PLC0415 (keeps `course --help` fast)

    release = commands.add_parser("release", parents=[common], help="generate, verify and bundle the student version",
                                  description=run.cmd_release.__doc__)
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments (default: all)")
    release.add_argument("--bundle", metavar="PATH", help="also write the student bundle (a folder, or PATH.zip)")
    release.add_argument("--no-validate", dest="validate", action="store_false",
                         help="skip nbgrader validate (runs every source and release notebook)")
    release.add_argument("--jobs", type=int, default=None, help="validation processes (default: all cores)")
    release.set_defaults(run=run.cmd_release)

    autograde = commands.add_parser("autograde", parents=[common], help="grade collected submissions",
                                    description=run.cmd_autograde.__doc__)
    autograde.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments (default: all)")
    autograde.add_argument("--student", action="append", default=[], metavar="ID", help="only this student "
                           "(repeatable)")
    _grading_options(autograde)
    autograde.add_argument("--force", action="store_true", help="grade again even submissions already graded")
    autograde.set_defaults(run=run.cmd_autograde)

    feedback = commands.add_parser("feedback", parents=[common], help="write per-student HTML feedback",
                                   description=run.cmd_feedback.__doc__)
    feedback.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments (default: all)")
    feedback.add_argument("--student", action="append", default=[], metavar="ID", help="only this student")
    feedback.set_defaults(run=run.cmd_feedback)

    report = commands.add_parser("report", parents=[common], help="export grades and print a class summary",
                                 description=run.cmd_report.__doc__)
    report.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments (default: all)")
    report.add_argument("--output", metavar="DIR", default=None, help="where to write the CSV files "
                        "(default: <course>/reports)")
    report.set_defaults(run=run.cmd_report)

    selftest = commands.add_parser("selftest", parents=[common], help="grade reference, stubs and the catalog",
                                   description=run.cmd_selftest.__doc__)
    selftest.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignments (default: all)")
    selftest.add_argument("--only", action="append", default=[], metavar="ID",
                          help="only these catalog entries (repeatable; the reference and stubs always run)")
    selftest.add_argument("--full-notebooks", action="store_true",
                          help="grade each catalog entry in the whole notebook, demos included (slow)")
    selftest.add_argument("--keep", metavar="DIR", default=None, help="build the test course in DIR and keep it")
    selftest.add_argument("--catalog", metavar="DIR", default=None, help="catalog folder (default: autograder/catalog)")
    _grading_options(selftest)
    selftest.set_defaults(run=run.cmd_selftest)

    demo = commands.add_parser("demo", parents=[common], help="run the whole cycle on a sample class",
                               description=run.cmd_demo.__doc__)
    demo.add_argument("--dir", metavar="DIR", default=None, help="course folder to create (default: a new temp "
                      "folder, kept and printed at the end)")
    demo.add_argument("--students", type=int, default=12, help="sample students from the catalog (default: 12)")
    demo.add_argument("--catalog", metavar="DIR", default=None, help="catalog folder (default: autograder/catalog)")
    _grading_options(demo)
    demo.set_defaults(run=run.cmd_demo)
    return parser


def _grading_options(parser):
    parser.add_argument("--jobs", type=int, default=None, help="grading processes (default: all cores)")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell before it is interrupted "
                        "(default: the course config's, 120)")
    parser.add_argument("--memory-limit", default=None, metavar="SIZE",
                        help="address space of each grading kernel, e.g. 4G or 512M (default 4G)")
    parser.add_argument("--isolation", choices=["auto", "namespaces", "none"], default=None,
                        help="kernel sandbox: namespaces where available (auto, default), required, or none")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")


def course_root(args):
    """The course folder: --course, else the current folder if it has a config, else this repository."""
    if args.course:
        return Path(args.course)
    if (Path.cwd() / CONFIG_FILE).exists():
        return Path.cwd()
    repository = Path(__file__).resolve().parents[1]
    if (repository / CONFIG_FILE).exists():
        return repository
    raise CourseError(f"no {CONFIG_FILE} here: run the command in the course folder or pass --course DIR")


def open_course(args):
    return Course.open(course_root(args), db_url=args.db)


if __name__ == "__main__":
    sys.exit(main())
