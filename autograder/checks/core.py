"""The vocabulary of hidden checks: each check observes in the student's kernel and is judged by the grader.

A graded test cell runs its hidden checks in two halves that never share a process:

1. ``observe(namespace)`` runs inside the student's kernel. It calls the student's code on inputs it builds itself
   and returns plain values (numbers, arrays, tuples, dicts). It decides nothing.
2. ``judge(observation, context)`` runs in the grading process, after the kernel is gone. It rebuilds the same inputs,
   computes what the reference solution gives, compares, and returns a :class:`Verdict` whose message tells the
   student what is wrong in their own terms.

So a student who patches ``np.allclose`` or deletes an assertion changes nothing: the comparison is not in their
process. Checks hold no reference answers; the judge takes them from the instructor's source notebook
(:mod:`autograder.reference`). The kinds of check:

- :class:`Compare`: call a student function and compare its output with the reference function's on the same input.
- :class:`Unchanged`: call a student function and verify it did not modify its array arguments.
- :class:`NoLoops`: read the submitted answer cell and reject Python loops (static; observes nothing).
- :class:`Answer`: compare variables assigned in a short-answer cell with the reference's values.
- :class:`Custom`: any other pair of ``observe`` / ``judge`` functions.
"""
import ast
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

Namespace = dict


@dataclass(frozen=True)
class Verdict:
    """What the judge decided about one check. ``message`` speaks to the student and says what to fix."""

    passed: bool
    message: str = ""


PASS = Verdict(True)


def fail(message: str) -> Verdict:
    return Verdict(False, message)


@dataclass
class JudgeContext:
    """What the judge may consult besides the observation.

    reference: namespace built from the source notebook's solution cells (functions, classes, answer variables).
    sources: submitted answer-cell sources keyed by grade_id (for static checks).
    """

    reference: Namespace
    sources: dict = field(default_factory=dict)

    def reference_function(self, name):
        if name not in self.reference:
            raise KeyError(f"the reference solution defines no {name!r}; check the source notebook's answer cells")
        return self.reference[name]


class ObservedError:
    """An exception raised by student code while a check observed it (type, message, student-side location)."""

    def __init__(self, type_name: str, message: str, where: str = ""):
        self.type_name, self.message, self.where = type_name, message, where

    def describe(self) -> str:
        location = f" ({self.where})" if self.where else ""
        return f"{self.type_name}: {self.message}{location}"


class Check:
    """Base class: a named, weighted, student-readable check. Subclasses implement observe and judge.

    When observe raised in student code, the judge is not called and the check fails with that error, unless the
    subclass sets ``judges_errors = True`` (for checks about how errors are handled).

    ``requires`` names other checks of the same cell that must pass for this one to count: a static or structural
    check (no loops, no mutation) earns nothing for a stub or a function that computes the wrong thing.
    """

    judges_errors = False

    def __init__(self, name: str, description: str, weight: float = 1.0, time_limit: float = 20.0, requires=()):
        if not name.isidentifier():
            raise ValueError(f"check name must be a short identifier, got {name!r}")
        self.name, self.description, self.weight, self.time_limit = name, description, float(weight), time_limit
        self.requires = tuple(requires)

    def observe(self, namespace: Namespace) -> Any:
        return None

    def judge(self, observation: Any, context: JudgeContext) -> Verdict:
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


def _lookup(namespace: Namespace, name: str):
    if name not in namespace:
        raise NameError(f"{name} is not defined: run its answer cell (and the cells above it) first")
    return namespace[name]


class Compare(Check):
    """Call ``function(*make_inputs())`` in the student's kernel and compare with the reference on fresh inputs.

    make_inputs: zero-argument callable returning the argument tuple; it must be deterministic (seeded) because the
        kernel and the judge each call it.
    rtol, atol: tolerance for every array/number in the output (nested tuples are compared element by element).
    names: optional names for the elements of a tuple output, used in messages ("loss", "dW").
    diagnose: optional ``(got, expected, args, context) -> str or None``, called on a mismatch to explain it in the
        student's terms; returning None falls back to the generic message.
    """

    def __init__(self, name, description, function, make_inputs, rtol=1e-6, atol=1e-8, names=None,
                 diagnose=None, weight=1.0, time_limit=20.0, requires=()):
        super().__init__(name, description, weight, time_limit, requires)
        self.function, self.make_inputs = function, make_inputs
        self.rtol, self.atol, self.names, self.diagnose = rtol, atol, names, diagnose

    def observe(self, namespace):
        return _lookup(namespace, self.function)(*self.make_inputs())

    def judge(self, observation, context):
        args = self.make_inputs()
        expected = context.reference_function(self.function)(*self.make_inputs())
        problem = compare_values(observation, expected, self.function + "(...)", self.rtol, self.atol, self.names)
        if problem is None:
            return PASS
        if self.diagnose is not None:
            explanation = self.diagnose(observation, expected, args, context)
            if explanation:
                return fail(f"{problem}\n{explanation}")
        return fail(problem)


class Unchanged(Check):
    """Call the student's function and verify that no array argument was modified in place."""

    def __init__(self, name, description, function, make_inputs, arg_names, weight=1.0, time_limit=20.0,
                 requires=()):
        super().__init__(name, description, weight, time_limit, requires)
        self.function, self.make_inputs, self.arg_names = function, make_inputs, tuple(arg_names)

    def observe(self, namespace):
        args = self.make_inputs()
        _lookup(namespace, self.function)(*args)
        return tuple(args)

    def judge(self, observation, context):
        fresh = self.make_inputs()
        if not isinstance(observation, tuple) or len(observation) != len(fresh):
            return fail("could not read the arguments back after the call")
        changed = [name for name, before, after in zip(self.arg_names, fresh, observation)
                   if isinstance(before, np.ndarray) and not _identical(before, after)]
        if changed:
            listed = ", ".join(changed)
            return fail(f"{self.function} modified its input {listed} in place. Work on a copy "
                        f"(for example `{changed[0]} = {changed[0]} - shift` instead of `{changed[0]} -= shift`), "
                        "because callers reuse their arrays.")
        return PASS


def _identical(before, after):
    after = np.asarray(after)
    return before.shape == after.shape and np.array_equal(before, after, equal_nan=True)


class NoLoops(Check):
    """Reject Python loops (for/while/comprehensions) in a function's answer cell; static, nothing runs.

    function: the function name, which is also its answer cell's grade_id.
    forbidden_calls: names whose call also counts as looping (e.g. the naive version, ``np.vectorize``).
    """

    LOOP_NODES = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    LOOPING_CALLS = ("vectorize", "apply_along_axis", "map", "frompyfunc", "fromiter")

    def __init__(self, name, description, function, forbidden_calls=(), weight=1.0, requires=()):
        super().__init__(name, description, weight, requires=requires)
        self.function, self.forbidden_calls = function, tuple(forbidden_calls) + self.LOOPING_CALLS

    def judge(self, observation, context):
        tree = parse_answer_cell(context, self.function)
        if isinstance(tree, Verdict):
            return tree
        for node in ast.walk(tree):
            if isinstance(node, self.LOOP_NODES):
                kind = _loop_kind(node)
                return fail(f"{self.function} uses a Python {kind} (line {node.lineno} of its cell). This version "
                            "must work on whole arrays at once: no loops over examples or classes.")
            called = _called_name(node)
            if called in self.forbidden_calls:
                return fail(f"{self.function} calls {called} (line {node.lineno} of its cell), which loops in "
                            "Python behind the scenes. Use array operations instead.")
        return PASS


def parse_answer_cell(context, grade_id):
    """The submitted answer cell ``grade_id`` as an ``ast`` tree, or a failing Verdict saying why there is none."""
    source = context.sources.get(grade_id)
    if source is None:
        return fail(f"the answer cell for {grade_id} was not found in the submission")
    try:
        return ast.parse(source)
    except SyntaxError as error:
        return fail(f"the answer cell for {grade_id} does not parse: {error.msg} (line {error.lineno})")


def _loop_kind(node):
    names = {ast.For: "`for` loop", ast.AsyncFor: "`for` loop", ast.While: "`while` loop",
             ast.GeneratorExp: "generator expression"}
    return names.get(type(node), "comprehension")


def _called_name(node):
    if not isinstance(node, ast.Call):
        return None
    target = node.func
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Name):
        return target.id
    return None


class Answer(Check):
    """Compare short-answer variables (numbers or choices) with the reference's values.

    variables: names the answer cell assigns. Numbers compare with rtol/atol; strings compare case- and
    space-insensitively; the reference's value of each variable is the expected one.
    """

    def __init__(self, name, description, variables, rtol=1e-3, atol=1e-6, weight=1.0):
        super().__init__(name, description, weight)
        self.variables, self.rtol, self.atol = tuple(variables), rtol, atol

    def observe(self, namespace):
        return {variable: _lookup(namespace, variable) for variable in self.variables}

    def judge(self, observation, context):
        wrong = [variable for variable in self.variables
                 if not _answers_match(observation.get(variable), context.reference[variable], self.rtol, self.atol)]
        if wrong:
            return fail(f"not the expected answer for {', '.join(wrong)}. Revisit the question above the cell.")
        return PASS


def _answers_match(got, expected, rtol, atol):
    if isinstance(expected, str):
        return isinstance(got, str) and got.strip().lower() == expected.strip().lower()
    if isinstance(expected, (list, tuple, set, frozenset)):
        if not isinstance(got, (list, tuple, set, frozenset)) or len(got) != len(expected):
            return False
        if isinstance(expected, (set, frozenset)):
            return sorted(map(str, got)) == sorted(map(str, expected))
        return all(_answers_match(g, e, rtol, atol) for g, e in zip(got, expected))
    try:
        got_number, expected_number = float(np.asarray(got)), float(expected)
    except (TypeError, ValueError):
        return False
    if math.isinf(expected_number):
        return got_number == expected_number
    return math.isclose(got_number, expected_number, rel_tol=rtol, abs_tol=atol)


class Custom(Check):
    """A check made of two plain functions: ``observe(namespace)`` and ``judge(observation, context) -> Verdict``."""

    def __init__(self, name, description, observe: Callable, judge: Callable, weight=1.0, time_limit=20.0,
                 requires=()):
        super().__init__(name, description, weight, time_limit, requires)
        self._observe, self._judge = observe, judge

    def observe(self, namespace):
        return self._observe(namespace)

    def judge(self, observation, context):
        return self._judge(observation, context)


def float_array(value):
    """``value`` as a float64 array, or None when it is not numeric (for diagnoses that try candidate mistakes)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def compare_values(got, expected, what, rtol, atol, names=None) -> Optional[str]:
    """Return None when ``got`` matches ``expected`` (recursively through tuples), else a student-readable reason."""
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            shape = f"a {type(got).__name__}" if not isinstance(got, (tuple, list)) else f"{len(got)} values"
            return f"{what} should return a tuple of {len(expected)} values, got {shape}"
        labels = names or [f"element {i}" for i in range(len(expected))]
        for label, g, e in zip(labels, got, expected):
            problem = compare_values(g, e, f"{label} from {what}", rtol, atol)
            if problem:
                return problem
        return None
    return _compare_arrays(got, expected, what, rtol, atol)


def _compare_arrays(got, expected, what, rtol, atol):
    from .encoding import Unencodable

    if isinstance(got, ObservedError):
        return f"{what} raised {got.describe()}"
    if got is None or isinstance(got, Unencodable):
        return f"{what} returned {got!r} instead of a number or an array"
    expected = np.asarray(expected)
    try:
        got = np.asarray(got, dtype=np.float64 if expected.dtype.kind == "f" else None)
    except (TypeError, ValueError):
        return f"{what} returned something that is not numeric: {got!r}"
    if got.shape != expected.shape:
        if expected.shape == ():
            return f"{what} should return a single number (a float), got an array of shape {got.shape}"
        return f"{what} has shape {got.shape}, expected {expected.shape}"
    if expected.dtype.kind in "iub" and got.dtype.kind not in "iub":
        return f"{what} should hold integers (e.g. class indices), got dtype {got.dtype}"
    if not np.all(np.isfinite(got[np.isfinite(expected)])):
        return f"{what} contains NaN or inf where a finite value was expected (overflow? log of 0?)"
    if np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        return None
    return _describe_mismatch(got, expected, what)


def _describe_mismatch(got, expected, what):
    if expected.shape == ():
        return f"{what} returned {float(got):.6g}, expected {float(expected):.6g}"
    difference = np.abs(got - expected)
    worst = np.unravel_index(np.argmax(difference), expected.shape)
    share = np.mean(~np.isclose(got, expected))
    return (f"{what} is off in {share:.0%} of its entries; the largest difference is at index {tuple(map(int, worst))}:"
            f" got {float(got[worst]):.6g}, expected {float(expected[worst]):.6g}")
