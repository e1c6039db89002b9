"""Which submissions are already graded: one small JSON stamp per submission, written after its merge.

    .course/autograde/<assignment>/<student>.json
        {"inputs": "<hash>", "score": 7.5, "max_score": 10, "graded_at": "...", "notes": [...], "stopped": {...}}

``inputs`` hashes everything the grade depends on: the submitted files, the source notebooks (the reference and
the tests) and the hidden checks' code. A run skips a submission whose stamp matches; a resubmission, an edited
test or a changed check grades it again. ``course autograde --force`` ignores the stamps.
"""
import datetime
import hashlib
import json
import os
import sys
from pathlib import Path

from .checks import EXTRA_MODULES_VARIABLE


def stamp_path(course, submission):
    return course.state_dir("autograde", submission.assignment, f"{submission.student}.json")


def grading_inputs(course, submission):
    """The hash of what the grade of ``submission`` depends on."""
    digest = hashlib.sha256(submission.fingerprint().encode())
    for name in course.notebooks(submission.assignment):
        digest.update(course.source_notebook(submission.assignment, name).read_bytes())
    for path in check_sources():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_sources():
    """The files that define the hidden checks and how they are judged."""
    package = Path(__file__).resolve().parent
    files = sorted((package / "checks").glob("*.py")) + [package / "judge.py", package / "reference.py"]
    for name in filter(None, (m.strip() for m in os.environ.get(EXTRA_MODULES_VARIABLE, "").split(","))):
        module = sys.modules.get(name)
        if module is None:
            import importlib  # noqa: PLC0415

            module = importlib.import_module(name)
        if getattr(module, "__file__", None):
            files.append(Path(module.__file__))
    return files


def read(course, submission):
    try:
        return json.loads(stamp_path(course, submission).read_text())
    except (OSError, ValueError):
        return None


def is_current(course, submission, inputs):
    stamp = read(course, submission)
    return bool(stamp) and stamp.get("inputs") == inputs


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
