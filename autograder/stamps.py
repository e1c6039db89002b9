"""Which submissions are already graded: one small JSON stamp per submission, written after its merge.

    .course/autograde/<assignment>/<student>.json
        {"inputs": "<hash>", "score": 7.5, "max_score": 10, "graded_at": "...", "notes": [...], "stopped": {...}}

``inputs`` hashes everything the grade depends on: the submitted files, and the assignment's side (its source
notebooks, the reference and the tests, and the hidden checks' code), hashed once per run by
:func:`assignment_inputs`. A run skips a submission whose stamp matches; a resubmission, an edited
test or a changed check grades it again. ``course autograde --force`` ignores the stamps.
"""
import datetime
import hashlib
import importlib
import json
import os
from pathlib import Path

from .checks import extra_module_names


def stamp_path(course, submission):
    return course.state_dir("autograde", submission.assignment, f"{submission.student}.json")


def assignment_inputs(course, assignment):
    """The hash of what every grade of ``assignment`` depends on besides the submission: its source notebooks and
    the hidden checks' code."""
    digest = hashlib.sha256()
    for name in course.notebooks(assignment):
        digest.update(course.source_notebook(assignment, name).read_bytes())
    for path in check_sources():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def grading_inputs(submission, assignment_digest):
    """The hash of what the grade of ``submission`` depends on (``assignment_digest``: see assignment_inputs)."""
    return hashlib.sha256(f"{assignment_digest} {submission.fingerprint()}".encode()).hexdigest()


def check_sources():
    """The files that define the hidden checks and how they are judged."""
    package = Path(__file__).resolve().parent
    files = sorted((package / "checks").glob("*.py")) + [package / "judge.py", package / "reference.py"]
    modules = (importlib.import_module(name) for name in extra_module_names())
    return files + [Path(module.__file__) for module in modules if getattr(module, "__file__", None)]


def read(course, submission):
    try:
        return json.loads(stamp_path(course, submission).read_text())
    except (OSError, ValueError):
        return None


def write(course, submission, inputs, score, max_score, notes=(), stopped=None):
    path = stamp_path(course, submission)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"inputs": inputs, "score": score, "max_score": max_score, "notes": list(notes),
              "stopped": stopped or {}, "graded_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=1))
    os.replace(temporary, path)


def forget(course, submission):
    try:
        stamp_path(course, submission).unlink()
    except FileNotFoundError:
        pass
