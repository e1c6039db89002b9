"""Group 5: autograding a sample class (N students x the course's notebooks).

The class: every student submits every source notebook as it is (a correct submission, the heaviest case: every
cell runs to the end), in nbgrader's submitted/<student>/<assignment>/ layout, in a course folder prepared once
(generate_assignment). Each pass below starts from its own copy of that folder, so none finds earlier results:

- pure execution: every submission run top to bottom in a fresh kernel (nbclient), one after the other: the work
  that grading cannot avoid;
- plain nbgrader: ``nbgrader autograde <assignment> --force`` for each assignment, one process, one notebook at a
  time (the baseline; with the course's nbgrader configuration, so it does the same grading work);
- course, one job and course, all cores: ``course autograde`` (the autograder's command line);
- course re-run: ``course autograde`` once more on the graded class, where every submission is up to date: the
  command's fixed cost (start-up, finding submissions, reading stamps), to tell it from the cost per notebook.

Targets: course on all cores at least 1.8x faster than plain nbgrader (2 cores), and at most 1.5 s of overhead
per notebook beyond pure execution (course with one job minus pure execution, divided by the notebook count).
Every pass must give every submission full marks, or the timing is void and the group fails.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..blas import thread_environment
from ..course import notebook_path, source_notebooks
from ..execution import execute_notebook
from ..machine import cpu_snapshot, other_cores
from ..results import GroupResult, Row, Target, Unavailable
from ..settings import group_parameters
from ..timing import format_number

NAME = "autograde"
TITLE = "5. Autograding a sample class"
FULL = {"students": 3, "notebooks": None, "course": True}
QUICK = {"students": 1, "notebooks": (notebook_path("01_linear_classifier"), notebook_path("02_svm_softmax_loss")),
         "course": True}
SPEEDUP_TARGET = Target("ratio", ">=", 1.8, "plain nbgrader")
OVERHEAD_TARGET = Target("value", "<=", 1.5, "per notebook")
COURSE_ID = "benchmark-course"
COMMAND_TIMEOUT_SECONDS = 3600


# ------------------------------------------------------------------------------------------- the class


def course_environment(threads):
    """The environment of every grading process: BLAS pinned, the venv's commands first."""
    env = dict(os.environ, **thread_environment(threads))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_command(command, cwd, env):
    """Run a command; returns its wall time in seconds, or raises with the end of its output if it fails."""
    start = time.perf_counter()
    process = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                             timeout=COMMAND_TIMEOUT_SECONDS)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({process.returncode}):\n"
                           f"{process.stdout[-2000:]}\n{process.stderr[-4000:]}")
    return seconds


def student_ids(students):
    return [f"student{k + 1:02d}" for k in range(students)]


def prepare_class(root, notebooks, students, env):
    """A course folder with the assignments generated and ``students`` submissions of each; returns the folder.

    notebooks: source notebooks, each in its assignment's folder and named like it (NN_name/NN_name.ipynb).
    """
    root = Path(root)
    for path in notebooks:
        shutil.copytree(Path(path).parent, root / "source" / Path(path).parent.name)
    (root / "nbgrader_config.py").write_text(
        "from autograder.grading_config import configure\n"
        f"configure(get_config(), course_id={COURSE_ID!r}, source_directory='source')\n")
    for path in notebooks:
        run_command([sys.executable, "-m", "nbgrader", "generate_assignment", Path(path).parent.name, "--force"],
                    root, env)
    for student in student_ids(students):
        for path in notebooks:
            folder = root / "submitted" / student / Path(path).parent.name
            folder.mkdir(parents=True)
            shutil.copy(path, folder / Path(path).name)
    return root


def fresh_copy(prepared, target):
    shutil.copytree(prepared, target)
    return Path(target)


def submissions(course):
    return sorted(Path(course).glob("submitted/*/*/*.ipynb"))


def check_full_marks(course, expected):
    """Every one of the ``expected`` submissions is in the gradebook with full marks on its autograded cells."""
    from nbgrader.api import Gradebook

    database = Path(course) / "gradebook.db"
    if not database.exists():
        raise AssertionError(f"grading went wrong in {course}: it has no gradebook ({database.name})")
    graded = {}
    with Gradebook(f"sqlite:///{database}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                graded[(submission.student.id, assignment.name)] = (submission.code_score,
                                                                    submission.max_code_score)
    missing = sorted(set(expected) - set(graded))
    short = {key: value for key, value in graded.items() if value[0] != value[1]}
    if missing or short:
        raise AssertionError(f"grading went wrong in {course}: not graded {missing}; not full marks "
                             f"{short} (score, max)")


# -------------------------------------------------------------------------------------------- the passes


def pure_execution(course, env):
    """Seconds to execute every submission in a fresh kernel, one after the other; and per notebook."""
    scratch = Path(course) / "executed"
    per_notebook = {}
    for path in submissions(course):
        student = path.parent.parent.name
        per_notebook[(student, path.stem)] = execute_notebook(path, scratch / student, env).seconds
    return sum(per_notebook.values()), per_notebook


def plain_nbgrader(course, assignments, env):
    """Seconds for ``nbgrader autograde`` over every assignment, sequentially (all students each)."""
    return sum(run_command([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], course, env)
               for assignment in assignments)


def course_command():
    """The autograder's console script, or Unavailable saying what is missing."""
    script = Path(sys.executable).parent / "course"
    try:
        import autograder.cli  # noqa: F401  (only to learn whether it exists)
    except ImportError as error:
        raise Unavailable(f"autograder.cli cannot be imported ({error}): `course autograde` has not landed") from None
    if not script.exists():
        raise Unavailable(f"the console script {script} is missing: run `pip install -e .` after autograder.cli "
                          "landed")
    return [str(script)]


def course_autograde(course, env, jobs):
    """Seconds for ``course autograde`` of everything (every assignment, every student) with ``jobs`` processes."""
    command = course_command() + ["autograde", "--course", str(course), "--jobs", str(jobs), "--no-progress"]
    return run_command(command, course, env)


# ---------------------------------------------------------------------------------------------- the group


@dataclass(frozen=True)
class Passes:
    """Wall times, in seconds, of the passes over ``count`` submissions (course ones None when not measured)."""

    count: int
    execution: float
    sequential: float
    one_job: float = None
    parallel: float = None
    jobs: int = None
    rerun: float = None   # course autograde again on the graded class: every submission up to date, nothing graded


def passes_rows(passes):
    """The table rows of a set of passes: ratios to pure execution, to plain nbgrader and to one job."""
    count, execution, sequential = passes.count, passes.execution, passes.sequential
    rows = [
        Row(f"pure execution of {count} notebook{'s' if count != 1 else ''}, one by one", execution, "s",
            detail=f"{format_number(execution / count)} s per notebook"),
        Row("plain nbgrader autograde, sequential", sequential, "s", sequential / execution, "pure execution",
            detail=f"{format_number(60 * count / sequential)} notebooks/min"),
        Row("plain nbgrader: overhead per notebook", (sequential - execution) / count, "s",
            detail="(nbgrader - pure execution) / notebooks"),
    ]
    if passes.parallel is None:
        return rows
    parallel, one_job, jobs = passes.parallel, passes.one_job, passes.jobs
    return rows + [
        Row(f"course autograde, {jobs} jobs", parallel, "s", sequential / parallel, "plain nbgrader",
            target=SPEEDUP_TARGET, detail=f"{format_number(60 * count / parallel)} notebooks/min"),
        Row("course autograde, 1 job", one_job, "s", one_job / parallel, f"{jobs} jobs",
            detail=f"{format_number(60 * count / one_job)} notebooks/min"),
        Row("course autograde: overhead per notebook", (one_job - execution) / count, "s", target=OVERHEAD_TARGET,
            detail="(course with 1 job - pure execution) / notebooks"),
        Row(f"course autograde: throughput, {jobs} jobs", 60 * count / parallel, "notebooks/min",
            execution / parallel, "pure execution rate"),
        Row("course autograde re-run, nothing to grade (fixed cost)", passes.rerun, "s", passes.rerun / one_job,
            "1 job", detail="start-up, finding submissions, reading stamps"),
    ]


def run(settings, **overrides):
    p = group_parameters(FULL, QUICK, settings, overrides)
    notebooks = [Path(path) for path in (p["notebooks"] or source_notebooks())]
    if not notebooks:
        raise Unavailable("no source notebooks found under notebooks/")
    assignments = [path.parent.name for path in notebooks]
    env = course_environment(settings.threads)
    jobs = settings.jobs or os.cpu_count()
    result = GroupResult(NAME, TITLE, parameters={"students": p["students"], "assignments": assignments,
                                                  "threads": settings.threads, "jobs": jobs})
    expected = [(student, assignment) for student in student_ids(p["students"]) for assignment in assignments]
    course_missing = None
    if p["course"]:
        try:
            course_command()
        except Unavailable as reason:
            course_missing = str(reason)
    with tempfile.TemporaryDirectory(prefix="bench-class-", dir=settings.workdir) as scratch:
        scratch = Path(scratch)
        prepared = prepare_class(scratch / "prepared", notebooks, p["students"], env)
        snapshot = cpu_snapshot()
        execution, per_notebook = pure_execution(fresh_copy(prepared, scratch / "execution"), env)
        nbgrader_course = fresh_copy(prepared, scratch / "nbgrader")
        sequential = plain_nbgrader(nbgrader_course, assignments, env)
        check_full_marks(nbgrader_course, expected)
        # course autograde's sandboxed kernels are not reaped into this process's CPU accounting, so the figure
        # of other processes' work is taken over the passes before it
        result.other_cores = other_cores(snapshot, cpu_snapshot())
        passes = Passes(len(expected), execution, sequential)
        if p["course"] and course_missing is None:
            timed = {}
            for label, count in (("1", 1), ("parallel", jobs)):
                course = fresh_copy(prepared, scratch / f"course-{label}")
                timed[label] = course_autograde(course, env, count)
                check_full_marks(course, expected)
            rerun = course_autograde(course, env, jobs)
            passes = Passes(len(expected), execution, sequential, timed["1"], timed["parallel"], jobs, rerun)
    result.rows += passes_rows(passes)
    if course_missing is not None:
        result.notes.append(f"course autograde not measured: {course_missing}. The plain nbgrader baseline and "
                            "the pure execution above are measured.")
    slowest = sorted(per_notebook.items(), key=lambda item: -item[1])[:3]
    result.notes.append(
        f"Class: {p['students']} student(s) x {len(assignments)} notebook(s) = {len(expected)} submissions, each "
        f"the source notebook itself (full marks, checked in the gradebook after every pass). BLAS threads "
        f"{settings.threads} in every kernel; course autograde with its defaults otherwise (sandboxed kernels). "
        "The other processes' share of the machine is measured over the execution and nbgrader passes only. "
        "Slowest pure executions: "
        + "; ".join(f"{student}/{assignment} {format_number(seconds)} s"
                    for (student, assignment), seconds in slowest) + ".")
    return result
