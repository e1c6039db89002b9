"""Hidden checks for notebook 04, backpropagation.

Graded: ``sigmoid_unit_grads(w, x, b, target) -> (loss, dw, dx, db)``, the notes' sigmoid unit with a squared loss
backpropagated stage by stage; ``Value``, a micrograd-compatible scalar autograd node (``+ - * / **``, unary ``-``,
reflected operations with plain numbers, ``exp log relu sigmoid tanh``, ``backward()``); ``Neuron`` and ``Layer`` /
``MLP`` built on Value; and three short answers.

How Value is checked. An :class:`Expression` is a small program over named inputs, written once here. Both sides run
it from plain numbers: the kernel with the student's ``Value``, the judge with the reference ``Value`` from the
source notebook. Each run records the output's ``data`` and, after ``backward()``, every input's ``grad``, so
feedback names the expression and the input ("d/da of a ** 3 at a = 2 is wrong: expected 12, got 4"). A mistake
raised by one expression is recorded for that expression only, so the others are still judged. Expressions carry the
values that typical mistakes produce (tanh' = 1 - tanh, relu on the wrong side, the power rule off by one, ``=``
instead of ``+=``...), and the judge names the mistake when the student's number matches one. The graphs that catch a
backward pass in the wrong order use a value both directly and through a longer path, so a breadth-first or a
depth-first visit from the output fails whatever order the sets in ``_prev`` iterate in.

Neuron and MLP are checked through their ``parameters()``: the checks overwrite the parameters with fixed numbers
before the forward pass, so the random initialization does not matter there; it is checked separately (range,
spread, bias 0, reproducible from the seed, different across neurons).
"""
import ast
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .core import PASS, Answer, Check, Compare, Custom, Verdict, fail, parse_answer_cell
from .runner import CheckTimeout

MAX_LISTED_PROBLEMS = 3
GRAPH_SCAN_LIMIT = 10_000   # nodes read when checking that a result is linked to its inputs


# ---------------------------------------------------------------------------------------------------------------
# Expressions over Values, run identically with the student's and the reference's class.


@dataclass(frozen=True)
class Expression:
    """A small program over Values.

    text: how the student reads it, e.g. "a ** 3".
    inputs: ((name, number), ...): the inputs, made as Value(number) in this order.
    build: (*inputs) -> output Value.
    mistakes: ((explanation, {input name: gradient that the mistake gives}), ...) recognised on a mismatch.
    hint: said when this expression raises or computes a wrong value (e.g. which method Python calls for it).
    gradient_hint: said when only its gradients are wrong and no known mistake explains them.
    """

    text: str
    inputs: tuple
    build: Callable
    mistakes: tuple = ()
    hint: str = ""
    gradient_hint: str = ""

    def where(self):
        return ", ".join(f"{name} = {_number(value)}" for name, value in self.inputs)


class NotAValue(Exception):
    """The student's operation returned something that is not a Value."""


def _run(expression, value_class, backward):
    """{"data": ..., "out_grad": ..., "grads": {name: ...}} for one run of the expression (raises on any problem)."""
    leaves = [value_class(number) for _, number in expression.inputs]
    out = expression.build(*leaves)
    if not (hasattr(out, "data") and hasattr(out, "backward")):
        raise NotAValue(f"the result is a {type(out).__name__}, not a Value: every operation must return a new Value")
    record = {"data": float(out.data)}
    if backward:
        out.backward()
        record["out_grad"] = float(out.grad)
        record["grads"] = {name: float(leaf.grad) for (name, _), leaf in zip(expression.inputs, leaves)}
    return record


def _run_in_kernel(expression, value_class, backward):
    """Like _run, but a student's error becomes {"error": "..."} so that the other expressions still run."""
    try:
        return _run(expression, value_class, backward)
    except CheckTimeout:
        raise
    except Exception as error:  # anything the student's code raises is reported for this expression only
        return {"error": f"{type(error).__name__}: {str(error)[:200]}"}


def _value_class(namespace):
    if "Value" not in namespace:
        raise NameError("Value is not defined: run its answer cell (and the cells above it) first")
    return namespace["Value"]


class ExpressionCheck(Check):
    """Run expressions with the student's Value; compare data (and gradients) with the reference Value's."""

    def __init__(self, name, description, expressions, gradients=True, rtol=1e-6, atol=1e-9, weight=1.0,
                 time_limit=20.0, requires=()):
        super().__init__(name, description, weight, time_limit, requires)
        self.expressions, self.gradients, self.rtol, self.atol = tuple(expressions), gradients, rtol, atol

    def observe(self, namespace):
        value_class = _value_class(namespace)
        return [_run_in_kernel(expression, value_class, self.gradients) for expression in self.expressions]

    def judge(self, observation, context):
        reference = context.reference_function("Value")
        if not isinstance(observation, list) or len(observation) != len(self.expressions):
            return fail("the recorded results do not match the checked expressions")
        diagnosis = self._overall_diagnosis(observation)
        problems = [problem for expression, got in zip(self.expressions, observation)
                    for problem in [self._problem(expression, got, _run(expression, reference, self.gradients),
                                                  explain=not diagnosis)]
                    if problem]
        if not problems:
            return PASS
        return fail(_summary(problems, diagnosis))

    def _problem(self, expression, got, expected, explain=True):
        """(what is wrong, a hint or "") for one expression, or None when it is right."""
        if not isinstance(got, dict):
            return f"{expression.text}: no result was recorded", ""
        if "error" in got:
            hint = _error_hint(got["error"]) or expression.hint
            return f"{expression.text} at {expression.where()} raised {got['error']}", hint
        if not _close(got.get("data"), expected["data"], self.rtol, self.atol):
            return (f"{expression.text} at {expression.where()} computes {_number(got.get('data'))}, expected "
                    f"{_number(expected['data'])}", expression.hint)
        if not self.gradients:
            return None
        grads = got.get("grads") if isinstance(got.get("grads"), dict) else {}
        wrong = [name for name, _ in expression.inputs
                 if not _close(grads.get(name), expected["grads"][name], self.rtol, self.atol)]
        if not wrong:
            return None
        details = "; ".join(f"d/d{name} expected {_number(expected['grads'][name])}, got {_number(grads.get(name))}"
                            for name in wrong)
        message = f"the gradient of {expression.text} at {expression.where()} is wrong: {details}"
        if not explain:
            return message, ""
        for explanation, mistaken in expression.mistakes:
            if all(_close(grads.get(name), value, 1e-6, 1e-9) for name, value in mistaken.items()):
                return f"{message}: {explanation}", ""
        return message, expression.gradient_hint

    def _overall_diagnosis(self, observation):
        """One sentence for a failure shared by every expression: an unseeded or incomplete backward()."""
        records = [r for r in observation if isinstance(r, dict) and isinstance(r.get("grads"), dict)]
        if not self.gradients or not records:
            return ""
        if any(any(_nonzero(g) for g in r["grads"].values()) for r in records):
            return ""
        if all(not _nonzero(r.get("out_grad")) for r in records):
            return ("No gradient reached any input, and the output's own grad is still 0 after backward(): "
                    "backward() must first set self.grad = 1 (dL/dL), then run the _backward functions.")
        if len(records) < 2:
            return ""
        return ("backward() set the output's grad, but no gradient reached any input: it must call the _backward "
                "of every node found through _prev, starting from the output (reverse topological order), and each "
                "_backward must add into its operands' grad.")


def _error_hint(error):
    if error.startswith("RecursionError"):
        return RECURSION_HINT
    if "object has no attribute 'data'" in error and ("'int'" in error or "'float'" in error):
        return NUMBER_HINT
    return ""


def _summary(problems, diagnosis=""):
    """problems: (message, hint) pairs. The first few messages as a list, then each distinct hint once."""
    listed = problems[:MAX_LISTED_PROBLEMS]
    lines = [f"- {_shorten(message)}" for message, _ in listed]
    if len(problems) > len(listed):
        lines.append(f"- ... and {len(problems) - len(listed)} more")
    hints = list(dict.fromkeys(hint for _, hint in problems if hint))
    return "\n".join(([diagnosis] if diagnosis else []) + lines + hints)


def _shorten(message, limit=420):
    return message if len(message) <= limit else message[:limit - 3] + "..."


def _close(got, expected, rtol, atol):
    try:
        got = float(got)
    except (TypeError, ValueError):
        return False
    return math.isfinite(got) and math.isclose(got, expected, rel_tol=rtol, abs_tol=atol)


def _nonzero(value):
    try:
        return float(value) != 0.0
    except (TypeError, ValueError):
        return True


def _number(value):
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return repr(value)[:40]


# ---------------------------------------------------------------------------------------------------------------
# The expressions. Inputs avoid kinks (relu at 0) and values where two formulas coincide.

def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


RECURSION_HINT = ("A RecursionError comes from a recursive topological sort, one nested call per node along the "
                  "longest path: keep the nodes still to visit in a list used as a stack instead (part 5).")
NUMBER_HINT = ("An operation received a plain number: wrap it first, other = other if isinstance(other, Value) else "
               "Value(other).")
REFLECTED_HINT = ("For 2 - a Python first tries int.__sub__(2, a), which does not know Value, then calls "
                  "a.__rsub__(2); likewise __radd__, __rmul__ and __rtruediv__. Note that a.__rsub__(2) means 2 - a.")
ACCUMULATE = ("A value used twice must receive both contributions: every _backward must add into grad (+=); an "
              "assignment (=) keeps only the last one.")

FORWARD_ARITHMETIC = [
    Expression("a + b", (("a", 2.0), ("b", -3.5)), lambda a, b: a + b),
    Expression("a * b", (("a", 2.0), ("b", -3.5)), lambda a, b: a * b),
    Expression("a - b", (("a", 2.0), ("b", -3.5)), lambda a, b: a - b),
    Expression("a / b", (("a", 2.0), ("b", -3.5)), lambda a, b: a / b),
    Expression("-a", (("a", 2.5),), lambda a: -a),
    Expression("a ** 3", (("a", 1.5),), lambda a: a ** 3),
    Expression("a ** -2", (("a", 2.0),), lambda a: a ** -2),
    Expression("a ** 0.5", (("a", 6.25),), lambda a: a ** 0.5),
    Expression("(a + b) * (a - b)", (("a", 3.0), ("b", 1.25)), lambda a, b: (a + b) * (a - b)),
]
FORWARD_NUMBERS = [
    Expression("a + 2", (("a", 1.5),), lambda a: a + 2),
    Expression("2 + a", (("a", 1.5),), lambda a: 2 + a, hint=REFLECTED_HINT),
    Expression("a * 3", (("a", 1.5),), lambda a: a * 3),
    Expression("3 * a", (("a", 1.5),), lambda a: 3 * a, hint=REFLECTED_HINT),
    Expression("a - 2", (("a", 1.5),), lambda a: a - 2),
    Expression("2 - a", (("a", 1.5),), lambda a: 2 - a, hint=REFLECTED_HINT),
    Expression("a / 4", (("a", 1.5),), lambda a: a / 4),
    Expression("2 / a", (("a", 1.5),), lambda a: 2 / a, hint=REFLECTED_HINT),
    Expression("2.5 * a - 1", (("a", -0.5),), lambda a: 2.5 * a - 1),
]
FORWARD_FUNCTIONS = [
    Expression("a.exp()", (("a", 0.7),), lambda a: a.exp()),
    Expression("a.log()", (("a", 2.5),), lambda a: a.log(), hint="log is the natural logarithm (math.log)"),
    Expression("a.relu()", (("a", 1.3),), lambda a: a.relu()),
    Expression("a.relu()", (("a", -1.3),), lambda a: a.relu()),
    Expression("a.sigmoid()", (("a", 0.8),), lambda a: a.sigmoid()),
    Expression("a.sigmoid()", (("a", -2.2),), lambda a: a.sigmoid()),
    Expression("a.tanh()", (("a", -0.6),), lambda a: a.tanh()),
]
LINKED_EXPRESSIONS = [   # (text, the inputs it uses, build from inputs a and b)
    ("a + b", "ab", lambda a, b: a + b), ("a * b", "ab", lambda a, b: a * b), ("a ** 2", "a", lambda a, b: a ** 2),
    ("a - b", "ab", lambda a, b: a - b), ("a / b", "ab", lambda a, b: a / b), ("-a", "a", lambda a, b: -a),
    ("a.exp()", "a", lambda a, b: a.exp()), ("a.log()", "a", lambda a, b: a.log()),
    ("a.relu()", "a", lambda a, b: a.relu()), ("a.sigmoid()", "a", lambda a, b: a.sigmoid()),
    ("a.tanh()", "a", lambda a, b: a.tanh()), ("3 - b", "b", lambda a, b: 3 - b), ("3 / b", "b", lambda a, b: 3 / b),
]

LOCAL_ADD = [
    Expression("a + b", (("a", 2.0), ("b", -3.0)), lambda a, b: a + b,
               mistakes=(("add passes the upstream gradient to both inputs unchanged: both local derivatives are 1",
                          {"a": 1.0, "b": 0.0}),)),
    Expression("a + 5", (("a", 2.0),), lambda a: a + 5),
]
LOCAL_MUL = [
    Expression("a * b", (("a", 3.0), ("b", -4.0)), lambda a, b: a * b,
               mistakes=(("mul swaps: d(a * b)/da is b, the other input's value, not a",
                          {"a": 3.0, "b": -4.0}),)),
    Expression("a * 2.5", (("a", 3.0),), lambda a: a * 2.5),
]
LOCAL_POW = [
    Expression("a ** 3", (("a", 2.0),), lambda a: a ** 3,
               mistakes=(("the power rule is n * a ** (n - 1); this is n * a ** n", {"a": 24.0}),
                         ("the power rule is n * a ** (n - 1); this is (n - 1) * a ** (n - 1)", {"a": 8.0}),
                         ("the power rule is n * a ** (n - 1); this is a ** (n - 1) without the factor n",
                          {"a": 4.0}),
                         ("the power rule is n * a ** (n - 1); this is n * a ** (n - 2)", {"a": 6.0}))),
    Expression("a ** -2", (("a", 2.0),), lambda a: a ** -2),
    Expression("a ** 0.5", (("a", 4.0),), lambda a: a ** 0.5),
]
LOCAL_NEG_SUB = [
    Expression("-a", (("a", 3.0),), lambda a: -a),
    Expression("a - b", (("a", 2.0), ("b", 5.0)), lambda a, b: a - b,
               mistakes=(("d(a - b)/db is -1: the gradient reaching b changes sign", {"a": 1.0, "b": 1.0}),)),
]
LOCAL_DIV = [
    Expression("a / b", (("a", 3.0), ("b", 2.0)), lambda a, b: a / b,
               mistakes=(("d(a / b)/db is -a / b ** 2", {"a": 0.5, "b": 0.75}),)),
    Expression("a / 4", (("a", 3.0),), lambda a: a / 4),
]
LOCAL_REFLECTED = [
    Expression("5 + a", (("a", 2.0),), lambda a: 5 + a, hint=REFLECTED_HINT),
    Expression("5 * a", (("a", 2.0),), lambda a: 5 * a, hint=REFLECTED_HINT),
    Expression("5 - a", (("a", 2.0),), lambda a: 5 - a, hint=REFLECTED_HINT,
               mistakes=(("5 - a was computed as a - 5: a.__rsub__(5) must return 5 - a", {"a": 1.0}),)),
    Expression("6 / a", (("a", 2.0),), lambda a: 6 / a, hint=REFLECTED_HINT,
               mistakes=(("6 / a was computed as a / 6: a.__rtruediv__(6) must return 6 / a", {"a": 1.0 / 6.0}),)),
]
LOCAL_EXP = [
    Expression("a.exp()", (("a", 0.5),), lambda a: a.exp(),
               mistakes=(("the derivative of exp(a) is exp(a) (out.data), not a (self.data)", {"a": 0.5}),
                         ("the derivative of exp(a) is exp(a), not 1", {"a": 1.0}))),
]
LOCAL_LOG = [
    Expression("a.log()", (("a", 4.0),), lambda a: a.log(),
               mistakes=(("the derivative of log(a) is 1 / a, with a the input (self.data), not the output",
                          {"a": 1.0 / math.log(4.0)}),
                         ("the derivative of log(a) is 1 / a, not a", {"a": 4.0}))),
]
LOCAL_RELU = [
    Expression("a.relu()", (("a", 1.5),), lambda a: a.relu(),
               mistakes=(("relu passes the gradient where its input was positive and blocks it where it was "
                           "negative: the condition is the wrong way round", {"a": 0.0}),
                         ("relu's local derivative is 1 or 0, not the input's value", {"a": 1.5}))),
    Expression("a.relu()", (("a", -2.0),), lambda a: a.relu(),
               mistakes=(("relu blocks the gradient where its input was negative: the condition is the wrong way "
                          "round, or the gradient always passes", {"a": 1.0}),)),
]
LOCAL_SIGMOID = [
    Expression("a.sigmoid()", (("a", 1.0),), lambda a: a.sigmoid(),
               mistakes=(("the derivative is s * (1 - s) with s = sigmoid(a), the output; this uses the input a "
                          "instead: a * (1 - a)", {"a": 0.0}),
                         ("the derivative is s * (1 - s); this is s alone", {"a": _sigmoid(1.0)}),
                         ("the derivative is s * (1 - s); this is 1 - s", {"a": 1.0 - _sigmoid(1.0)}))),
    Expression("a.sigmoid()", (("a", -2.0),), lambda a: a.sigmoid(),
               mistakes=(("the derivative is s * (1 - s) with s = sigmoid(a), the output; this uses the input a "
                          "instead: a * (1 - a)", {"a": -6.0}),)),
]
LOCAL_TANH = [
    Expression("a.tanh()", (("a", 0.5),), lambda a: a.tanh(),
               mistakes=(("the derivative of tanh is 1 - tanh(a) ** 2; this is 1 - tanh(a), without the square",
                          {"a": 1.0 - math.tanh(0.5)}),
                         ("the derivative of tanh is 1 - tanh(a) ** 2, with the output tanh(a); this uses the input "
                          "a: 1 - a ** 2", {"a": 0.75}))),
    Expression("a.tanh()", (("a", -1.2),), lambda a: a.tanh()),
]
UPSTREAM = [
    Expression("(a * b) * c", (("a", 1.5), ("b", -2.0), ("c", 3.0)), lambda a, b, c: (a * b) * c,
               mistakes=(("the inner product's _backward ignores out.grad", {"a": -2.0, "b": 1.5}),)),
    Expression("(a ** 2) ** 3", (("a", 1.2),), lambda a: (a ** 2) ** 3),
    Expression("a.exp().exp()", (("a", 0.3),), lambda a: a.exp().exp()),
    Expression("a.log().log()", (("a", 5.0),), lambda a: a.log().log()),
    Expression("a.tanh().tanh()", (("a", 0.5),), lambda a: a.tanh().tanh(),
               mistakes=(("the inner tanh's _backward ignores out.grad (the gradient coming from the outer tanh)",
                          {"a": 1.0 - math.tanh(0.5) ** 2}),)),
    Expression("a.sigmoid().sigmoid()", (("a", 0.4),), lambda a: a.sigmoid().sigmoid()),
    Expression("a.relu() * 3", (("a", 0.5),), lambda a: a.relu() * 3,
               mistakes=(("relu's _backward ignores out.grad", {"a": 1.0}),)),
    Expression("(a + b) * 3", (("a", 0.5), ("b", 1.0)), lambda a, b: (a + b) * 3,
               mistakes=(("add's _backward ignores out.grad", {"a": 1.0, "b": 1.0}),)),
]
UPSTREAM_HINT = ("Every _backward multiplies its local derivative by out.grad, the gradient arriving from above; "
                 "it equals 1 only at the output itself.")
UPSTREAM = [Expression(e.text, e.inputs, e.build, e.mistakes, gradient_hint=UPSTREAM_HINT) for e in UPSTREAM]


def _notes_neuron(w0, x0, w1, x1, w2):
    return 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())


NOTES_EXAMPLES = [
    Expression("(x + y) * z, the notes' first example", (("x", -2.0), ("y", 5.0), ("z", -4.0)),
               lambda x, y, z: (x + y) * z),
    Expression("1 / (1 + exp(-(w0*x0 + w1*x1 + w2))), the notes' sigmoid neuron",
               (("w0", 2.0), ("x0", -1.0), ("w1", -3.0), ("x1", -2.0), ("w2", -3.0)), _notes_neuron),
    Expression("(w0*x0 + w1*x1 + w2).sigmoid()",
               (("w0", 2.0), ("x0", -1.0), ("w1", -3.0), ("x1", -2.0), ("w2", -3.0)),
               lambda w0, x0, w1, x1, w2: (w0 * x0 + w1 * x1 + w2).sigmoid()),
    Expression("((w*x + b).sigmoid() - t) ** 2 / 2, the notes' sigmoid unit with a squared loss",
               (("w", 0.5), ("x", 3.0), ("b", -2.0), ("t", 0.0)),
               lambda w, x, b, t: ((w * x + b).sigmoid() - t) ** 2 / 2),
]


def _square_plus(a):
    b = a * 3
    return b * b + b


def _shared_sum(x, y, z):
    q = x + y
    return q * q + q * z


def _bfs_breaker(a):
    # b feeds L directly and through s and c: a level-by-level visit from L handles b before c and s are done.
    b = a * 3
    c = (b + 1) * 2
    return b * c


def _dfs_breaker(a):
    # b reaches L through two chains: a depth-first visit that runs _backward on arrival handles b after one chain.
    b = a.tanh()
    return ((b * 2) + 1) * ((b + 3) * 4)


def _diamond_chain(a):
    # Ten diamonds in a row; each joins two paths of different lengths.
    node = a
    for k in range(10):
        node = (node * 0.8 + 0.1).tanh() + node * 0.5
    return node


def _two_graphs(a, b):
    # A first graph over a and b, backward, grads reset; the recorded run is the backward of a second graph.
    (a * b + a.tanh()).backward()
    a.grad, b.grad = 0.0, 0.0
    return a * a * b - b.exp()


ORDER_HINT = ("In these graphs a value feeds one node directly and another through a longer path. Its gradient is "
              "complete only after every node that uses it has run its _backward: call them in reverse topological "
              "order (a post-order depth-first search from the output, reversed).")
SHARED_VALUES = [
    Expression("a * a", (("a", 3.0),), lambda a: a * a,
               mistakes=((ACCUMULATE, {"a": 3.0}),)),
    Expression("a + a", (("a", 3.0),), lambda a: a + a,
               mistakes=((ACCUMULATE, {"a": 1.0}),)),
    Expression("a * a * a", (("a", 2.0),), lambda a: a * a * a),
    Expression("b = 3a; b * b + b", (("a", 1.5),), _square_plus),
    Expression("q = x + y; q * q + q * z", (("x", 1.0), ("y", -2.5), ("z", 0.5)), _shared_sum),
]
ORDER_GRAPHS = [
    Expression("b = 3a; c = (b + 1) * 2; L = b * c", (("a", 1.0),), _bfs_breaker, gradient_hint=ORDER_HINT),
    Expression("b = tanh(a); L = (2b + 1) * ((b + 3) * 4)", (("a", 0.3),), _dfs_breaker, gradient_hint=ORDER_HINT),
    Expression("ten diamonds in a row: a <- tanh(0.8a + 0.1) + 0.5a", (("a", 0.4),), _diamond_chain,
               gradient_hint=ORDER_HINT),
]
FRESH_GRAPHS = [
    Expression("a second graph a * a * b - exp(b) over the same inputs, after a first backward() and resetting "
               "their grads to 0", (("a", 1.5), ("b", -0.5)), _two_graphs,
               gradient_hint=("Each backward() must work on the graph of the Value it is called on only: keep "
                              "the topological list and the visited set local to the call (no module-level list, "
                              "no mutable default argument).")),
]

# Random programs: each step combines earlier nodes with one operation, in domains where every op is defined.
_RANDOM_STEPS = {
    "add": ("{0} + {1}", lambda u, v, c: u + v),
    "mul": ("{0} * {1}", lambda u, v, c: u * v),
    "sub": ("{0} - {1}", lambda u, v, c: u - v),
    "div": ("{0} / ({1} * {1} + {c})", lambda u, v, c: u / (v * v + c)),
    "rsub": ("{c} - {0}", lambda u, v, c: c - u),
    "rdiv": ("{c} / ({0} * {0} + 1)", lambda u, v, c: c / (u * u + 1)),
    "radd_rmul": ("{c} * {0} + {c}", lambda u, v, c: c * u + c),
    "neg": ("-{0}", lambda u, v, c: -u),
    "pow": ("({0} * {0} + {c}) ** 1.5", lambda u, v, c: (u * u + c) ** 1.5),
    "exp": ("exp(tanh({0}))", lambda u, v, c: u.tanh().exp()),
    "log": ("log({0} * {0} + {c})", lambda u, v, c: (u * u + c).log()),
    "tanh": ("tanh({0})", lambda u, v, c: u.tanh()),
    "sigmoid": ("sigmoid({0} * {1})", lambda u, v, c: (u * v).sigmoid()),
    "relu": ("relu({0} + {c})", lambda u, v, c: (u + c).relu()),
}


def random_expression(seed, num_inputs=3, num_steps=8):
    """A reproducible random program over inputs x0, x1, ...; the output is the sum of all its steps."""
    rng = np.random.default_rng(seed)
    inputs = tuple((f"x{k}", round(float(rng.uniform(-1.5, 1.5)), 2) + 0.0) for k in range(num_inputs))
    names = [name for name, _ in inputs]
    steps = []
    for k in range(num_steps):
        kind = list(_RANDOM_STEPS)[int(rng.integers(len(_RANDOM_STEPS)))]
        first, second = (int(i) for i in rng.integers(0, len(names), 2))
        constant = round(float(rng.uniform(0.5, 2.0)), 2)
        steps.append((kind, first, second, constant))
        names.append(f"t{k}")
    lines = [f"t{k} = " + _RANDOM_STEPS[kind][0].format(names[i], names[j], c=c)
             for k, (kind, i, j, c) in enumerate(steps)]

    def build(*leaves):
        nodes = list(leaves)
        for kind, i, j, c in steps:
            nodes.append(_RANDOM_STEPS[kind][1](nodes[i], nodes[j], c))
        total = nodes[num_inputs]
        for node in nodes[num_inputs + 1:]:
            total = total + node
        return total

    text = f"the random program [{'; '.join(lines)}; L = t0 + ... + t{num_steps - 1}]"
    return Expression(text, inputs, build)


RANDOM_SEEDS = (11, 12, 13, 14, 15, 16)
RANDOM_EXPRESSIONS = [random_expression(seed) for seed in RANDOM_SEEDS]

CHAIN_LENGTH = 5000


def _addition_chain(x):
    total = x
    for _ in range(CHAIN_LENGTH):
        total = total + x
    return total


def _tanh_chain(x):
    h = x
    for _ in range(CHAIN_LENGTH // 2):
        h = (h * 0.9 + x).tanh()
    return h


DEEP_GRAPHS = [
    Expression(f"x + x + ... + x, a chain of {CHAIN_LENGTH:,} additions", (("x", 0.5),), _addition_chain),
    Expression(f"h <- tanh(0.9 h + x) repeated {CHAIN_LENGTH // 2:,} times (7,500 nodes deep)", (("x", 0.3),),
               _tanh_chain),
]


# ---------------------------------------------------------------------------------------------------------------
# Value: structure (results linked to their inputs) and self-containment.


def _observe_links(namespace):
    value_class = _value_class(namespace)
    records = []
    for text, uses, build in LINKED_EXPRESSIONS:
        try:
            inputs = {"a": value_class(1.5), "b": value_class(2.5)}
            out = build(inputs["a"], inputs["b"])
            records.append({"text": text, "linked": _reaches(out, [inputs[name] for name in uses]),
                            "op": isinstance(out._op, str),
                            "closure": callable(out._backward)})
        except CheckTimeout:
            raise
        except Exception as error:
            records.append({"text": text, "error": f"{type(error).__name__}: {str(error)[:200]}"})
    return records


def _reaches(out, inputs):
    """Whether every one of ``inputs`` can be reached from out through _prev (an iterative search)."""
    wanted = {id(value) for value in inputs}
    seen, stack = {id(out)}, [out]
    while stack and len(seen) < GRAPH_SCAN_LIMIT:
        node = stack.pop()
        for child in node._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return wanted <= seen


def _judge_links(observation, context):
    if not isinstance(observation, list) or not observation:
        return fail("no results were recorded")
    problems = []
    for record in observation:
        text = record.get("text", "?") if isinstance(record, dict) else "?"
        if not isinstance(record, dict) or "error" in record:
            problems.append(f"{text} raised {record.get('error') if isinstance(record, dict) else 'an error'}")
        elif not record.get("linked"):
            problems.append(f"the result of {text} does not lead back to its inputs through _prev: pass the "
                            "operands as _children when creating out, e.g. Value(..., (self, other), '*')")
        elif not (record.get("op") and record.get("closure")):
            problems.append(f"the result of {text} needs _op (a string naming the operation) and a callable "
                            "_backward")
    return fail(_summary([(p, "") for p in problems])) if problems else PASS


def _judge_self_contained(observation, context):
    tree = parse_answer_cell(context, "Value")
    if isinstance(tree, Verdict):
        return tree
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        named = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
        if any(m.split(".")[0] in ("course_utils", "autograder") for m in modules) or named == "graph_layout":
            return fail(f"the Value cell uses the course's own tools (line {node.lineno}); backward() must find its "
                        "topological order itself, with only Python, math and numpy")
    return PASS


# ---------------------------------------------------------------------------------------------------------------
# Neuron and MLP: the same observation function runs in the kernel (student's classes) and in the judge (reference).


def _network_run(namespace, make, params, x, x_as_values=False):
    """Build a model, overwrite its parameters, run it on x and backpropagate from the sum of its outputs."""
    value_class = namespace["Value"]
    model = make(namespace)
    parameters = list(model.parameters())
    record = {"num_parameters": len(parameters)}
    if len(parameters) != len(params):
        return record
    for parameter, number in zip(parameters, params):
        parameter.data, parameter.grad = number, 0.0
    inputs = [value_class(number) for number in x] if x_as_values else list(x)
    out = model(inputs)
    outputs = list(out) if isinstance(out, (list, tuple)) else [out]
    record["is_list"] = isinstance(out, (list, tuple))
    record["outputs"] = [float(o.data) for o in outputs]
    total = outputs[0]
    for o in outputs[1:]:
        total = total + o
    total.backward()
    record["param_grads"] = [float(p.grad) for p in parameters]
    if x_as_values:
        record["input_grads"] = [float(v.grad) for v in inputs]
    return record


@dataclass(frozen=True)
class NetworkCase:
    """One run of a Neuron or MLP with given parameters and inputs, described for the student."""

    text: str
    make: Callable                 # namespace -> model
    params: tuple
    x: tuple
    x_as_values: bool = False
    linear_twin: Callable = None   # namespace -> the same model without any tanh (to recognise a missing nonlinearity)
    all_tanh_twin: Callable = None  # namespace -> the same model with tanh on the last layer too


class NetworkCheck(Check):
    """Compare a student's Neuron / MLP with the reference on cases with fixed parameters."""

    def __init__(self, name, description, cases, weight=1.0, requires=()):
        super().__init__(name, description, weight, requires=requires)
        self.cases = tuple(cases)

    def observe(self, namespace):
        records = []
        for case in self.cases:
            try:
                records.append(_network_run(namespace, case.make, case.params, case.x, case.x_as_values))
            except CheckTimeout:
                raise
            except Exception as error:
                records.append({"error": f"{type(error).__name__}: {str(error)[:200]}"})
        return records

    def judge(self, observation, context):
        if not isinstance(observation, list) or len(observation) != len(self.cases):
            return fail("the recorded results do not match the checked cases")
        problems = [(p, "") for case, got in zip(self.cases, observation) for p in [self._problem(case, got, context)]
                    if p]
        return fail(_summary(problems)) if problems else PASS

    def _problem(self, case, got, context):
        expected = _network_run(context.reference, case.make, case.params, case.x, case.x_as_values)
        if not isinstance(got, dict):
            return f"{case.text}: no result was recorded"
        if "error" in got:
            return f"{case.text} raised {got['error']}"
        if got.get("num_parameters") != expected["num_parameters"]:
            return (f"{case.text}: parameters() returned {got.get('num_parameters')} Values, expected "
                    f"{expected['num_parameters']} (one weight per input and one bias per neuron)")
        if got.get("is_list") != expected["is_list"]:
            shape = "a list of Values" if expected["is_list"] else "a single Value (not a list of one)"
            return f"{case.text}: the output should be {shape}"
        if not _all_close(got.get("outputs"), expected["outputs"]):
            return f"{case.text}: the output is {_numbers(got.get('outputs'))}, expected " \
                   f"{_numbers(expected['outputs'])}. {self._why_outputs_differ(case, got, context)}"
        for key, what in (("param_grads", "the parameters' gradients"), ("input_grads", "the inputs' gradients")):
            if key in expected and not _all_close(got.get(key), expected[key]):
                return (f"{case.text}: the output is right but {what} are not: got {_numbers(got.get(key))}, "
                        f"expected {_numbers(expected[key])}")
        return None

    def _why_outputs_differ(self, case, got, context):
        twins = [(case.linear_twin, "the tanh is missing: hidden neurons (and a Neuron with nonlin=True) apply "
                                    "tanh to w . x + b"),
                 (case.all_tanh_twin, "the last layer applies tanh too; it must stay linear (nonlin=False) so the "
                                      "output can be any score")]
        for twin, explanation in twins:
            if twin is None:
                continue
            variant = _network_run(context.reference, twin, case.params, case.x, case.x_as_values)
            if _all_close(got.get("outputs"), variant["outputs"]):
                return explanation
        rotated = case.params[-1:] + case.params[:-1]
        if len(case.params) > 1:
            variant = _network_run(context.reference, case.make, rotated, case.x, case.x_as_values)
            if _all_close(got.get("outputs"), variant["outputs"]):
                return "parameters() must list the weights first and the bias last"
        return "Check the weighted sum w . x + b and the order of parameters() (weights, then bias)."


def _all_close(got, expected, rtol=1e-6, atol=1e-9):
    if not isinstance(got, (list, tuple)) or len(got) != len(expected):
        return False
    return all(_close(g, e, rtol, atol) for g, e in zip(got, expected))


def _numbers(values):
    if not isinstance(values, (list, tuple)):
        return repr(values)[:60]
    shown = ", ".join(_number(v) for v in values[:6])
    return f"[{shown}{', ...' if len(values) > 6 else ''}]"


def _params(seed, count, scale=1.0):
    return tuple(round(float(v), 3) for v in scale * np.random.default_rng(seed).uniform(-1.0, 1.0, count))


def _make_neuron(nin, nonlin=True):
    return lambda ns: ns["Neuron"](nin, nonlin=nonlin, rng=np.random.default_rng(0))


def _make_mlp(nin, nouts):
    return lambda ns: ns["MLP"](nin, list(nouts), rng=np.random.default_rng(0))


def _make_layer_stack(nin, nouts, last_nonlin):
    """An MLP-like stack of the reference's Layers with chosen nonlinearities (for diagnosing a student's MLP)."""
    def make(ns):
        sizes = [nin] + list(nouts)
        layers = [ns["Layer"](sizes[k], sizes[k + 1], nonlin=(k < len(nouts) - 1) or last_nonlin,
                              rng=np.random.default_rng(0)) for k in range(len(nouts))]
        return _Stack(layers)
    return make


class _Stack:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


NEURON_CASES = [
    NetworkCase("Neuron(3) with w = [0.6, -0.4, 0.9], b = 0.2 at x = [1, -2, 0.5]", _make_neuron(3),
                (0.6, -0.4, 0.9, 0.2), (1.0, -2.0, 0.5), linear_twin=_make_neuron(3, nonlin=False)),
    NetworkCase("Neuron(4) with given parameters at inputs that are Values", _make_neuron(4), _params(41, 5),
                (0.3, -1.1, 2.0, 0.7), x_as_values=True, linear_twin=_make_neuron(4, nonlin=False)),
    NetworkCase("Neuron(2, nonlin=False) with w = [1.5, -2], b = 0.5 at x = [2, 1]", _make_neuron(2, nonlin=False),
                (1.5, -2.0, 0.5), (2.0, 1.0), all_tanh_twin=_make_neuron(2)),
]
MLP_CASES = [
    NetworkCase("MLP(2, [4, 3, 1]) with given parameters (scaled by 2) at x = [0.5, -1.5]", _make_mlp(2, [4, 3, 1]),
                _params(51, 31, scale=2.0), (0.5, -1.5), linear_twin=_make_layer_stack(2, [4, 3, 1], False),
                all_tanh_twin=_make_layer_stack(2, [4, 3, 1], True)),
    NetworkCase("MLP(3, [2, 2]) with given parameters at inputs that are Values", _make_mlp(3, [2, 2]),
                _params(52, 14, scale=2.0), (1.0, -0.5, 2.0), x_as_values=True,
                all_tanh_twin=_make_layer_stack(3, [2, 2], True)),
    NetworkCase("MLP(2, [1]): a single linear neuron", _make_mlp(2, [1]), (2.0, -1.0, 3.0), (1.0, 1.0),
                all_tanh_twin=_make_layer_stack(2, [1], True)),
]


def _observe_initialization(namespace, make_models):
    """Initial parameter values of models built twice from the same seed: [[values of model 1], [model 2]]."""
    return [[float(p.data) for p in make(namespace).parameters()] for make in make_models]


def _neuron_init_models():
    return [lambda ns: ns["Neuron"](200, rng=np.random.default_rng(7)),
            lambda ns: ns["Neuron"](200, rng=np.random.default_rng(7))]


def _mlp_init_models():
    return [lambda ns: ns["MLP"](2, [16, 16, 1], rng=np.random.default_rng(8)),
            lambda ns: ns["MLP"](2, [16, 16, 1], rng=np.random.default_rng(8))]


def _judge_initialization(observation, context, weight_rows):
    """weight_rows: list of (start, stop, is_bias) blocks describing where weights and biases sit in parameters()."""
    if not (isinstance(observation, list) and len(observation) == 2 and all(isinstance(o, list) for o in observation)):
        return fail("the parameters could not be read")
    first, second = (np.asarray(o, dtype=np.float64) for o in observation)
    expected_count = max(stop for _, stop, _ in weight_rows)
    if first.size != expected_count:
        return fail(f"parameters() returned {first.size} Values, expected {expected_count}")
    biases = np.concatenate([first[start:stop] for start, stop, is_bias in weight_rows if is_bias])
    weights = np.concatenate([first[start:stop] for start, stop, is_bias in weight_rows if not is_bias])
    if np.any(biases != 0.0):
        return fail("the biases should start at 0 (b = Value(0.0))")
    if np.any(np.abs(weights) > 1.0):
        return fail(f"initial weights lie outside [-1, 1] (from {weights.min():.3g} to {weights.max():.3g}): draw "
                    "them with rng.uniform(-1.0, 1.0, nin)")
    if np.std(weights) < 0.4 or abs(np.mean(weights)) > 0.2:
        return fail(f"initial weights should be spread uniformly over [-1, 1) (std about 0.58); got mean "
                    f"{np.mean(weights):.3g} and std {np.std(weights):.3g}")
    if not np.array_equal(first, second):
        return fail("two models built with np.random.default_rng of the same seed got different weights: draw the "
                    "weights with the rng argument (and pass it on to every layer and neuron)")
    rows = [first[start:stop] for start, stop, is_bias in weight_rows if not is_bias]
    for k in range(1, len(rows)):
        if rows[k].size == rows[k - 1].size and np.array_equal(rows[k], rows[k - 1]):
            return fail("two neurons start with identical weights: they would stay identical during training. "
                        "Share one rng between the neurons instead of re-seeding it for each")
    return PASS


def _neuron_blocks(nin, nout, offset=0):
    blocks = []
    for k in range(nout):
        start = offset + k * (nin + 1)
        blocks += [(start, start + nin, False), (start + nin, start + nin + 1, True)]
    return blocks


def _mlp_blocks(nin, nouts):
    blocks, offset = [], 0
    for fan_in, fan_out in zip([nin] + list(nouts[:-1]), nouts):
        blocks += _neuron_blocks(fan_in, fan_out, offset)
        offset += fan_out * (fan_in + 1)
    return blocks


def _mlp_counts(namespace):
    return [len(namespace["MLP"](nin, list(nouts), rng=np.random.default_rng(0)).parameters())
            for nin, nouts in ((2, (4, 3, 1)), (5, (1,)), (3, (6, 2)))]


def _judge_mlp_counts(observation, context):
    expected = _mlp_counts(context.reference)
    if list(observation) != expected:
        return fail(f"MLP(2, [4, 3, 1]), MLP(5, [1]) and MLP(3, [6, 2]) should have {expected} parameters, got "
                    f"{list(observation)}: each layer has nout neurons with one weight per input of that layer plus "
                    "a bias")
    return PASS


# ---------------------------------------------------------------------------------------------------------------
# sigmoid_unit_grads


def _unit_inputs(w, x, b, target, dtype=float):
    return tuple(dtype(v) for v in (w, x, b, target))


def _diagnose_unit(got, expected, args, context):
    try:
        got_grads = np.array([float(g) for g in got[1:]])
    except (TypeError, ValueError, IndexError):
        return None
    expected_grads = np.array([float(e) for e in expected[1:]])
    w, x, b, _ = (float(v) for v in args)
    z = w * x + b

    def matches(candidate):
        return np.allclose(got_grads, candidate, rtol=1e-5, atol=1e-12)

    if matches(2 * expected_grads):
        return "Every gradient is twice too large: L = t7 / 2, so dt7 = 1/2, not 1."
    if matches(-expected_grads):
        return ("Every gradient has the wrong sign: check the two minus signs, dt5 = dy * (-1 / t5 ** 2) "
                "for y = 1 / t5, and dz = -dt3 for t3 = -z.")
    if matches(expected_grads * (-z) / math.exp(-z)):
        return "The exp stage uses t3 as its local derivative; the derivative of exp(t3) is exp(t3), which is t4."
    dz = expected_grads[2]
    if matches([dz * w, dz * x, dz]):
        return "dw and dx are swapped: for t1 = w * x, dL/dw = x * dt1 and dL/dx = w * dt1 (mul swaps)."
    if matches([dz, dz, dz]):
        return "dw and dx equal dz: the mul stage t1 = w * x multiplies by the other input (x for w, w for x)."
    return None


UNIT_POINTS = [(2.0, -1.0, 1.0, 1.0), (0.5, 3.0, -2.0, 0.0), (-1.5, 0.8, 0.3, 1.0), (1.2, 2.5, 0.5, 0.0)]


def _unit_compare(name, description, point, dtype=float, rtol=1e-7):
    return Compare(name, description, "sigmoid_unit_grads", lambda: _unit_inputs(*point, dtype=dtype), rtol=rtol,
                   atol=1e-10, names=("loss", "dw", "dx", "db"), diagnose=_diagnose_unit)


# ---------------------------------------------------------------------------------------------------------------

TESTS = {
    "test_q_backprop_gates": [
        Answer("gates", "gradients of 2(xy + max(z, w)): mul swaps, max routes, add distributes",
               ["gate_grad_x", "gate_grad_y", "gate_grad_z", "gate_grad_w"], weight=4),
        Answer("branch", "gradient of x * x + x: the three uses of x add up", ["branch_grad_x"]),
    ],
    "test_q_backprop_methods": [
        Answer("methods", "numerical, symbolic and automatic differentiation told apart",
               ["slow_and_approximate", "expression_swell", "exact_and_efficient"]),
    ],
    "test_q_backprop_topo_order": [
        Answer("topo_order", "a reverse topological order for a graph with a value used twice",
               ["valid_backward_order"]),
    ],
    "test_sigmoid_unit_grads": [
        _unit_compare("example", "loss and gradients at w = 2, x = -1, b = 1, target = 1", UNIT_POINTS[0]),
        _unit_compare("target_zero", "loss and gradients at w = 0.5, x = 3, b = -2, target = 0", UNIT_POINTS[1]),
        _unit_compare("negative_weight", "loss and gradients at w = -1.5, x = 0.8, b = 0.3, target = 1",
                      UNIT_POINTS[2]),
        _unit_compare("float32", "float32 inputs give the same gradients (to float32 precision)", UNIT_POINTS[3],
                      dtype=np.float32, rtol=1e-4),
    ],
    "test_Value_forward": [
        ExpressionCheck("arithmetic", "a + b, a * b, a - b, a / b, -a and a ** n between Values",
                        FORWARD_ARITHMETIC, gradients=False, weight=2),
        ExpressionCheck("numbers", "operations with a plain number on either side (2 - a, 2 / a, 3 * a, ...)",
                        FORWARD_NUMBERS, gradients=False, weight=2),
        ExpressionCheck("functions", "exp, log, relu, sigmoid and tanh", FORWARD_FUNCTIONS, gradients=False, weight=2),
        Custom("linked", "every result is a new Value linked to its inputs through _prev, with _op and _backward",
               _observe_links, _judge_links, requires=["arithmetic"]),
    ],
    "test_Value_local_gradients": [
        ExpressionCheck("add", "d/da and d/db of a + b", LOCAL_ADD),
        ExpressionCheck("mul", "d/da and d/db of a * b (mul swaps)", LOCAL_MUL),
        ExpressionCheck("pow", "d/da of a ** n for n = 3, -2, 0.5 (the power rule)", LOCAL_POW),
        ExpressionCheck("neg_sub", "d/da of -a, and of a - b", LOCAL_NEG_SUB),
        ExpressionCheck("div", "d/da and d/db of a / b", LOCAL_DIV),
        ExpressionCheck("reflected", "gradients of 5 + a, 5 * a, 5 - a and 6 / a", LOCAL_REFLECTED),
        ExpressionCheck("exp", "d/da of exp(a)", LOCAL_EXP),
        ExpressionCheck("log", "d/da of log(a)", LOCAL_LOG),
        ExpressionCheck("relu", "d/da of relu(a) for a > 0 and a < 0", LOCAL_RELU),
        ExpressionCheck("sigmoid", "d/da of sigmoid(a)", LOCAL_SIGMOID),
        ExpressionCheck("tanh", "d/da of tanh(a)", LOCAL_TANH),
        ExpressionCheck("upstream", "each operation multiplies its local derivative by the upstream gradient",
                        UPSTREAM, weight=2),
    ],
    "test_Value_backward": [
        ExpressionCheck("notes_examples", "the notes' examples: (x + y) z, the sigmoid neuron, the sigmoid unit with "
                        "a squared loss", NOTES_EXAMPLES, weight=2),
        ExpressionCheck("shared_values", "values used more than once (a * a, a + a, shared subexpressions)",
                        SHARED_VALUES, weight=2),
        ExpressionCheck("order", "graphs where a value is used directly and through a longer path (the order of "
                        "the backward pass)", ORDER_GRAPHS, weight=2),
        ExpressionCheck("fresh_graph", "a second backward() on a new graph over the same inputs", FRESH_GRAPHS),
        ExpressionCheck("random_programs", "six random programs of 8 operations with shared values",
                        RANDOM_EXPRESSIONS, weight=2),
        Custom("self_contained", "backward() finds its own topological order (the Value cell uses no course tools)",
               lambda namespace: None, _judge_self_contained, weight=0.5, requires=["notes_examples"]),
    ],
    "test_Value_deep_graph": [
        ExpressionCheck("addition_chain", f"a chain of {CHAIN_LENGTH:,} additions (deeper than Python's recursion "
                        "limit)", DEEP_GRAPHS[:1], time_limit=30.0),
        ExpressionCheck("tanh_chain", "a chain of 2,500 steps h <- tanh(0.9 h + x)", DEEP_GRAPHS[1:],
                        time_limit=30.0),
    ],
    "test_Neuron": [
        NetworkCheck("outputs", "output and gradients of neurons with given parameters", NEURON_CASES, weight=3),
        Custom("initialization", "initial weights uniform in [-1, 1) from rng, bias 0, reproducible from the seed",
               lambda ns: _observe_initialization(ns, _neuron_init_models()),
               lambda obs, ctx: _judge_initialization(obs, ctx, _neuron_blocks(200, 1))),
    ],
    "test_MLP": [
        Custom("counts", "number of parameters of MLP(2, [4, 3, 1]), MLP(5, [1]) and MLP(3, [6, 2])", _mlp_counts,
               _judge_mlp_counts),
        NetworkCheck("outputs", "output and gradients of MLPs with given parameters: tanh hidden layers, linear "
                     "output layer", MLP_CASES, weight=3),
        Custom("initialization", "initial weights of MLP(2, [16, 16, 1]): uniform in [-1, 1), biases 0, different "
               "across neurons, reproducible from the seed",
               lambda ns: _observe_initialization(ns, _mlp_init_models()),
               lambda obs, ctx: _judge_initialization(obs, ctx, _mlp_blocks(2, [16, 16, 1])), requires=["counts"]),
    ],
}
