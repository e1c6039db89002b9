"""Run a test cell's hidden checks: ``observe_all`` in the student's kernel, ``judge_all`` in the grader.

The two halves exchange a list of records, one per check, in the JSON form of :mod:`.encoding`::

    {"check": "reg_large", "value": <encoded observation>}            # observe returned
    {"check": "reg_large", "error": {"type": ..., "message": ..., "where": ...}}   # student code raised

``judge_all`` trusts nothing in a record beyond decoding it: a missing, duplicated or malformed record fails its check.
"""
import contextlib
import signal
import threading
import traceback
from dataclasses import dataclass

from . import checks_for
from .core import JudgeContext, ObservedError
from .encoding import decode, encode

MAX_MESSAGE = 400


class CheckTimeout(Exception):
    """Raised inside the student's kernel when one check runs longer than its time limit."""


@dataclass(frozen=True)
class CheckResult:
    """The judged outcome of one check, as shown in feedback and reports."""

    name: str
    description: str
    weight: float
    passed: bool
    message: str

    def as_dict(self):
        return {"name": self.name, "description": self.description, "weight": self.weight,
                "passed": self.passed, "message": self.message}


def observe_all(test_id, namespace):
    """Kernel side: run every check's observe on the student's namespace; never raises for student errors."""
    records = []
    for check in checks_for(test_id):
        record = {"check": check.name}
        try:
            with time_limit(check.time_limit):
                record["value"] = encode(check.observe(namespace))
        except KeyboardInterrupt:
            raise  # the cell's own timeout: let the kernel stop
        except BaseException as error:  # SystemExit too: a student's sys.exit() must not end the checks
            record["error"] = describe_error(error)
        records.append(record)
    return records


def judge_all(test_id, records, context: JudgeContext):
    """Grader side: judge each check of ``test_id`` from its record. Returns a list of CheckResult."""
    by_name = {}
    duplicated = set()
    for record in records if isinstance(records, list) else []:
        name = record.get("check") if isinstance(record, dict) else None
        if name in by_name:
            duplicated.add(name)
        by_name[name] = record
    checks = checks_for(test_id)
    results = {check.name: _judge_one(check, by_name.get(check.name), check.name in duplicated, context)
               for check in checks}
    return [_apply_requirements(check, results) for check in checks]


def _apply_requirements(check, results):
    """A passed check whose required checks did not all pass is not counted (and says why)."""
    result = results[check.name]
    missing = [results[name].description for name in check.requires if not results[name].passed]
    if result.passed and missing:
        return CheckResult(result.name, result.description, result.weight, False,
                           "counts once this passes too: " + "; ".join(missing))
    return result


def _judge_one(check, record, duplicated, context):
    def result(passed, message=""):
        return CheckResult(check.name, check.description, check.weight, passed, message[:MAX_MESSAGE * 4])

    if record is None:
        return result(False, "this check did not run (the test cell stopped before it, or was changed)")
    if duplicated:
        return result(False, "this check reported more than once, so its result cannot be trusted")
    try:
        observation = _observation(record)
    except (ValueError, TypeError, KeyError) as error:
        return result(False, f"the recorded result could not be read ({error})")
    if isinstance(observation, ObservedError) and not check.judges_errors:
        return result(False, f"your code raised {observation.describe()}")
    try:
        verdict = check.judge(observation, context)
    except Exception as error:  # a value of an unexpected type can trip comparisons; say what was received
        return result(False, f"the result could not be checked: {type(error).__name__}: {str(error)[:MAX_MESSAGE]}")
    return result(bool(verdict.passed), verdict.message)


def _observation(record):
    if "error" in record:
        error = record["error"]
        return ObservedError(str(error.get("type", "Error")), str(error.get("message", ""))[:MAX_MESSAGE],
                             str(error.get("where", ""))[:MAX_MESSAGE])
    return decode(record["value"])


def score(results, points):
    """Points earned: ``points`` times the passed share of the checks' weights, rounded to 2 decimals."""
    total = sum(r.weight for r in results)
    if total == 0:
        return 0.0
    return round(points * sum(r.weight for r in results if r.passed) / total, 2)


def describe_error(error):
    """Type, message and the innermost student-code location of an exception, as plain strings."""
    return {"type": type(error).__name__, "message": str(error)[:MAX_MESSAGE], "where": _student_location(error)}


def _student_location(error):
    frames = traceback.extract_tb(error.__traceback__)
    student_frames = [f for f in frames if "ipykernel" in f.filename or f.filename.startswith("<")]
    if not student_frames:
        return ""
    frame = student_frames[-1]
    line = f": {frame.line.strip()}" if frame.line else ""
    return f"in {frame.name}, line {frame.lineno}{line}"


@contextlib.contextmanager
def time_limit(seconds):
    """Raise CheckTimeout in the main thread after ``seconds`` (no limit off the main thread or when None)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise CheckTimeout(f"took longer than {seconds:g} s (an infinite loop, or far too slow?)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
