"""``course autograde``: grade collected submissions in parallel; re-runs skip finished work; interruptions lose none.

    outcomes = autograde(course, ["02_svm_softmax_loss"], students=None, workers=None, force=False)

1. :mod:`autograder.submissions` finds ``submitted/<student>/<assignment>/`` folders and checks their notebooks
   (missing, misnamed and corrupt files are reported, the rest of the class is graded).
2. A submission whose stamp (:mod:`autograder.stamps`) matches its inputs is skipped, unless ``force``.
3. The others are graded by a pool of worker processes (default: one per core), each submission in a scratch course
   of its own with a copy of a template gradebook (:mod:`autograder.grading`); a progress bar counts them.
4. As each finishes, this process merges it into the real course (:mod:`autograder.merge`) and stamps it, so an
   interrupted run keeps everything finished before the interruption.
"""
import concurrent.futures
import copy
import hashlib
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from . import stamps
from .grading import Job, Result, grade, warm_up
from .merge import MergeError, merge
from .scratch_gradebooks import relax_durability_under
from .submissions import find_submissions


@dataclass
class Outcome:
    """What happened to one submission in a run (one row of the run's summary)."""

    student: str
    assignment: str
    status: str                 # graded | up to date | failed | not graded
    score: float = None
    max_score: float = None
    messages: list = field(default_factory=list)

    @property
    def ok(self):
        return self.status in ("graded", "up to date")


class Interrupted(Exception):
    """The run was interrupted; ``outcomes`` holds what finished (and was kept) before that."""

    def __init__(self, outcomes):
        super().__init__(f"interrupted after {len(outcomes)} submissions")
        self.outcomes = outcomes


def autograde(course, assignments=None, students=None, workers=None, force=False, overrides=None, progress=True):
    """Grade the submissions of ``assignments`` (all) by ``students`` (all); returns one Outcome per submission."""
    assignments = course.select(assignments)
    outcomes, todo = [], []
    assignment_digests = {assignment: stamps.assignment_inputs(course, assignment) for assignment in assignments}
    for submission in find_submissions(course, assignments, students):
        if not submission.gradable:
            outcomes.append(Outcome(submission.student, submission.assignment, "not graded",
                                    messages=submission.problems + submission.notes))
            continue
        inputs = stamps.grading_inputs(submission, assignment_digests[submission.assignment])
        stamp = stamps.read(course, submission)
        if not force and stamp and stamp.get("inputs") == inputs:
            outcomes.append(Outcome(submission.student, submission.assignment, "up to date", stamp.get("score"),
                                    stamp.get("max_score"), messages=stamp.get("notes", [])))
            continue
        todo.append((submission, inputs))
    if todo:
        outcomes += _grade_all(course, todo, workers, overrides or {}, progress)
    return sorted(outcomes, key=lambda o: (o.assignment, o.student))


def _grade_all(course, todo, workers, overrides, progress):
    from tqdm.auto import tqdm  # noqa: PLC0415

    scratch = tempfile.mkdtemp(prefix="course-grading-")
    relax_durability_under(scratch)
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    done = []
    pool = _start_pool(course, workers)  # the workers warm up while the template gradebook is built
    try:
        template = cached_template(course, sorted({s.assignment for s, _ in todo}), scratch)
        pending = [(_job(course, submission, template, scratch, overrides), submission, inputs)
                   for submission, inputs in todo]
        with tqdm(total=len(pending), desc="autograde", unit="submission", disable=not progress) as bar:
            for attempt in range(2):  # a crashed worker process breaks the pool: retry its jobs once in a new one
                pool = pool or _start_pool(course, workers)
                pending = _run_pool(pool, pending, course, done, bar, last_try=attempt == 1)
                pool = None
                if not pending:
                    break
    except KeyboardInterrupt:
        raise Interrupted(done) from None
    finally:
        if pool is not None:
            _stop(pool)
        shutil.rmtree(scratch, ignore_errors=True)
    return done


def _start_pool(course, workers):
    """Worker processes forked from a server that has imported nbgrader and the checks once (spawned elsewhere)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["autograder._fast_imports", "autograder.grading"])
    else:
        context = multiprocessing.get_context("spawn")
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=warm_up,
        initargs=(str(course.root), workers > 1, worker_environment()))
    for _ in range(workers):
        pool.submit(os.getpid)  # start them now
    return pool


def worker_environment():
    """The variables a worker must see as they are now (a fork server keeps those of the moment it started)."""
    return {name: os.environ.get(name, "") for name in ("COURSE_CHECK_MODULES", "PYTHONPATH", "COURSE_DATASETS",
                                                          "PATH")}


def _job(course, submission, template, scratch, overrides):
    return Job(student=submission.student, assignment=submission.assignment, folder=str(submission.folder),
               notebooks={name: str(path) for name, path in submission.notebooks.items()},
               course_root=str(course.root), source_root=str(course.source_root), template_db=template,
               scratch_root=scratch, overrides=dict(overrides))


def _run_pool(pool, pending, course, done, bar, last_try):
    """Grade ``pending`` (job, submission, inputs) triples; returns those to retry because the pool broke."""
    retry = []
    try:
        futures = {pool.submit(grade, item[0]): item for item in pending}
        for future in concurrent.futures.as_completed(futures):
            job, submission, inputs = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                if not last_try:
                    retry.append(futures[future])
                    continue
                result = Result(job.student, job.assignment, error="the grading process crashed twice")
            except Exception as error:  # a bug in grading itself: report it for this submission only
                result = Result(job.student, job.assignment, error=f"{type(error).__name__}: {error}")
            done.append(_finish(course, submission, inputs, result))
            bar.update(1)
            failed = sum(1 for outcome in done if not outcome.ok)
            if failed:
                bar.set_postfix(failed=failed)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return retry


def _stop(pool):
    """Stop the workers now (their kernels die with them: they were started with a parent-death signal)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:  # gone before the scratch folder is removed, so none writes into it again
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _finish(course, submission, inputs, result):
    """Merge a worker's result into the course and stamp it; returns the submission's Outcome."""
    messages = submission.problems + submission.notes + result.tampering
    messages += [f"{name}: {where}; the cells after it score 0" for name, where in sorted(result.stopped.items())]
    if result.error:
        stamps.forget(course, submission)
        return Outcome(submission.student, submission.assignment, "failed", messages=messages + [result.error])
    try:
        scores = merge(course, submission, result)
    except MergeError as error:
        return Outcome(submission.student, submission.assignment, "failed", messages=messages + [str(error)])
    score = sum(s for s, _ in scores.values())
    max_score = sum(m for _, m in scores.values())
    stamps.write(course, submission, inputs, score, max_score, notes=messages, stopped=result.stopped)
    return Outcome(submission.student, submission.assignment, "graded", score, max_score, messages)


def cached_template(course, assignments, scratch):
    """The template gradebook for ``assignments``, reused across runs while the source notebooks are unchanged."""
    import nbgrader  # noqa: PLC0415

    digest = hashlib.sha256(f"{nbgrader.__version__} {course.course_id}".encode())
    for assignment in assignments:
        digest.update(assignment.encode())
        for path in sorted((course.source_root / assignment).rglob("*.ipynb")):
            digest.update(path.read_bytes())
    cache = course.state_dir("templates")
    cached = cache / f"{digest.hexdigest()[:24]}.db"
    if not cached.exists():
        built = build_template(course, assignments, scratch)
        cache.mkdir(parents=True, exist_ok=True)
        for old in sorted(cache.glob("*.db"), key=lambda p: p.stat().st_mtime)[:-4]:
            old.unlink()
        partial = cached.with_suffix(".partial")
        shutil.copyfile(built, partial)
        os.replace(partial, cached)
    return str(cached)


def build_template(course, assignments, scratch):
    """A gradebook holding only ``assignments``, generated from the source notebooks (copied for each job)."""
    from nbgrader.converters import GenerateAssignment  # noqa: PLC0415
    from nbgrader.coursedir import CourseDirectory  # noqa: PLC0415

    root = os.path.join(scratch, "template")
    database = os.path.join(root, "gradebook.db")
    os.makedirs(root, exist_ok=True)
    for assignment in assignments:
        config = copy.deepcopy(course.config)
        config.CourseDirectory.root = root
        config.CourseDirectory.source_directory = str(course.source_root)
        config.CourseDirectory.db_url = f"sqlite:///{database}"
        config.CourseDirectory.assignment_id = assignment
        converter = GenerateAssignment(coursedir=CourseDirectory(config=config), config=config)
        converter.force = True
        converter.start()
    return database
