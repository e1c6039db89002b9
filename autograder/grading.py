"""Grade one submission in a scratch course of its own (runs in a worker process of ``course autograde``).

For each submission, :func:`grade` builds a throwaway nbgrader course under the run's scratch folder::

    <scratch>/jobs/<student>-<assignment>-XXXX/   course root: submitted/<student>/<assignment>/ and autograded/...
    <scratch>/jobs/<student>-<assignment>-XXXX/gradebook.db   a copy of the assignment's template gradebook

and runs nbgrader's own ``Autograde`` converter there, in this process, with the course's configuration (the judge,
the guarded executor, the sandboxed kernel). The source directory stays the real one (read by this process only:
kernels cannot see it), and the graded notebooks are captured from memory by :class:`CaptureGraded` before anything
the kernel could have touched is read back. The caller merges them into the real course
(:mod:`autograder.merge`); the scratch course, its gradebook included, is then deleted, so nothing a submission
wrote to it can reach the real gradebook.
"""
import copy
import functools
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from .course import load_config
from .execute import STOPPED_KEY
from .scratch_gradebooks import relax_durability_under

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Job:
    """One submission to grade; plain data so that it travels to a worker process."""

    student: str
    assignment: str
    folder: str                      # the real submitted/<student>/<assignment>/ folder
    notebooks: dict                  # expected notebook name -> submitted file path
    course_root: str
    source_root: str
    template_db: str                 # gradebook holding only this assignment (see autograder.autograde)
    scratch_root: str
    overrides: dict = field(default_factory=dict)   # {"Section.trait": value} applied to the course config


@dataclass
class Result:
    """What grading one submission produced, sent back to the parent process."""

    student: str
    assignment: str
    notebooks: dict = field(default_factory=dict)    # notebook name -> graded notebook (JSON text)
    stopped: dict = field(default_factory=dict)      # notebook name -> "the kernel died at cell N"
    tampering: list = field(default_factory=list)    # what the submission changed that grading put back
    error: str = ""
    isolated: bool = False
    seconds: float = 0.0


class CaptureGraded(NbGraderPreprocessor):
    """Last step of the scratch pipeline: keep the graded notebook in memory for the parent process."""

    captured = {}

    def preprocess(self, nb, resources):
        name = resources["nbgrader"]["notebook"]
        CaptureGraded.captured[name] = (nbformat.writes(nb), resources.get(STOPPED_KEY))
        return nb, resources


def warm_up(course_root, single_threaded_blas, environment=None):
    """Worker initializer: import nbgrader, the judge and the checks once, so each submission pays only its own cost.

    ``environment`` holds the parent's current values of the variables that decide which checks and paths apply.
    """
    from nbgrader.converters import Autograde  # noqa: F401,PLC0415

    from .checks import registry  # noqa: PLC0415
    from .sandbox import namespace_support  # noqa: PLC0415

    for name, value in (environment or {}).items():
        if os.environ.get(name, "") != value:
            os.environ[name] = value
            registry.cache_clear()
    for entry in reversed(os.environ.get("PYTHONPATH", "").split(os.pathsep)):
        if entry and entry not in sys.path:
            sys.path.insert(0, entry)
    warnings.filterwarnings("ignore", message=".*not in session.*")  # SQLAlchemy noise from nbgrader's gradebook
    registry()
    namespace_support()
    course_config(course_root)
    logging.getLogger("traitlets").setLevel(logging.WARNING)
    if single_threaded_blas:
        # two kernels on two cores: a BLAS pool per kernel would only make them fight
        for variable in BLAS_THREAD_VARIABLES:
            os.environ.setdefault(variable, "1")


@functools.lru_cache(maxsize=4)
def course_config(course_root):
    return load_config(Path(course_root) / "nbgrader_config.py")


def grade(job):
    """Grade ``job`` in a scratch course; never raises (a failure is described in ``Result.error``)."""
    from .sandbox import namespace_support  # noqa: PLC0415

    started = time.perf_counter()
    result = Result(job.student, job.assignment, isolated=namespace_support()[0])
    relax_durability_under(job.scratch_root)
    jobs_folder = Path(job.scratch_root, "jobs")
    jobs_folder.mkdir(exist_ok=True)  # not parents: a run that was stopped has removed its scratch folder
    root = Path(tempfile.mkdtemp(prefix=f"{_safe(job.student)}-{_safe(job.assignment)}-", dir=jobs_folder))
    with _collected_warnings() as messages:
        try:
            _prepare(job, root)
            CaptureGraded.captured = {}
            _run_autograde(job, root)
            for name, (text, stopped) in CaptureGraded.captured.items():
                result.notebooks[name] = text
                if stopped:
                    result.stopped[name] = stopped
            missing = sorted(set(job.notebooks) - set(result.notebooks))
            if missing:
                result.error = f"nbgrader produced no graded notebook for {', '.join(missing)}"
        except Exception as error:  # anything nbgrader or the kernel raised: report it, keep the run going
            result.error = _describe_failure(error, messages)
        finally:
            CaptureGraded.captured = {}
            shutil.rmtree(root, ignore_errors=True)
    result.tampering = tampering(messages)
    result.seconds = time.perf_counter() - started
    return result


# nbgrader's and RestoreCellMetadata's warnings that mean a submission edited what students may not edit
_TAMPERING = [
    (re.compile(r"Attribute '(points|locked|cell_type)' for cell (\S+) has changed"),
     "{1}: {0} edited (restored)"),
    (re.compile(r"Missing grade cell (\S+) encountered"), "{0}: deleted (put back)"),
    (re.compile(r"Cell '(\S+)' had its nbgrader (.+) changed"), "{0}: nbgrader {1} edited (restored)"),
    (re.compile(r"Cell '(\S+)' is not part of the assignment"), "{0}: extra graded cell (ignored)"),
]


def tampering(messages):
    """Short notes, one per edit of a locked cell or of grading metadata that grading undid."""
    notes = []
    for message in messages:
        for pattern, template in _TAMPERING:
            match = pattern.search(message)
            if match:
                notes.append(template.format(*match.groups()))
    return sorted(set(notes))


def _safe(name):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:40]


def _prepare(job, root):
    """Copy the submission (notebooks under their expected names) and the template gradebook into ``root``."""
    target = root / "submitted" / job.student / job.assignment
    folder = Path(job.folder)
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".ipynb" and ".ipynb_checkpoints" not in path.parts:
            destination = target / path.relative_to(folder)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    target.mkdir(parents=True, exist_ok=True)
    for name, path in job.notebooks.items():
        shutil.copyfile(path, target / f"{name}.ipynb")
    shutil.copyfile(job.template_db, root / "gradebook.db")


def _run_autograde(job, root):
    from nbgrader.converters import Autograde  # noqa: PLC0415
    from nbgrader.coursedir import CourseDirectory  # noqa: PLC0415

    config = scratch_config(job, root)
    coursedir = CourseDirectory(config=config)
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    converter.create_student = True
    converter.start()


def scratch_config(job, root):
    """The course's configuration, pointed at the scratch course and told what kernels must not see."""
    config = copy.deepcopy(course_config(job.course_root))
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.CourseDirectory.source_directory = job.source_root
    config.CourseDirectory.assignment_id = job.assignment
    config.CourseDirectory.student_id = job.student
    config.CourseDirectory.notebook_id = "*"
    config.JudgeHiddenChecks.reference_directory = job.source_root
    config.SandboxKernelManager.hidden_paths = [job.course_root, job.source_root, job.scratch_root]
    config.SandboxKernelManager.runtime_directory = job.scratch_root  # short: Unix socket paths are limited
    for key, value in job.overrides.items():
        section, trait = key.rsplit(".", 1)
        setattr(config[section], trait, value)
    preprocessors = list(config.Autograde.autograde_preprocessors)
    config.Autograde.autograde_preprocessors = preprocessors + [CaptureGraded]
    return config


def _describe_failure(error, messages):
    """One paragraph for the instructor: nbgrader's own error (it logs the real cause before raising) or ours."""
    from .sandbox import SandboxKernelManager  # noqa: PLC0415

    logged = "\n".join(m for m in messages if "Traceback" in m or "Error" in m)
    text = f"{type(error).__name__}: {error}"
    if "Kernel died before replying" in logged + text:
        tail = SandboxKernelManager.last_log_tail.strip()
        return "the kernel did not start" + (f"; its output ends with: {tail[-600:]}" if tail else "")
    last_line = [line for line in logged.splitlines() if line.strip() and not line.startswith(" ")]
    return last_line[-1][:800] if last_line else text


class _WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        message = record.getMessage()
        if record.levelno >= logging.ERROR and record.exc_info:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info))[-1500:]
        self.messages.append(message)


class _collected_warnings:
    """Collect WARNING and above from nbgrader (traitlets) and the course's modules while grading one submission."""

    LOGGERS = ("traitlets", "autograder", "NbGrader")

    def __enter__(self):
        self.handler = _WarningCollector()
        for name in self.LOGGERS:
            logging.getLogger(name).addHandler(self.handler)
        return self.handler.messages

    def __exit__(self, *exc):
        for name in self.LOGGERS:
            logging.getLogger(name).removeHandler(self.handler)
        return False
