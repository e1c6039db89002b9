"""Hidden checks for notebook 03, gradients: numerical, analytic, and minibatch gradient descent.

Graded functions (shapes as in the contract; W (D, C), X (N, D), y (N,) integer labels):

- ``eval_numerical_gradient(f, x, h=1e-5)`` -> array like x: centered differences (f(x + h e_i) - f(x - h e_i)) / 2h,
  x left exactly as it was (also when f raises);
- ``sigmoid_unit_loss_grad(w, X, y)`` -> (loss, dw): sum_i (y_i - sigma(X_i . w))^2 and its gradient (an extra
  exercise of this notebook);
- ``svm_loss_grad`` / ``softmax_loss_grad(W, X, y, reg)`` -> (loss, dW): the notebook-02 losses (mean over N plus
  reg * sum(W * W)) with their gradients, vectorized; the softmax stays finite for scores of +-1e4;
- ``train_linear_classifier(loss_grad, X, y, learning_rate, reg, num_iters, batch_size, seed)`` -> (W, loss_history):
  minibatch SGD from W = small random (D, C) with C = max(y) + 1, one loss_grad call per iteration, every random
  number from the seed.
Then the short answers: how difference errors scale with h, the cost of a numerical gradient, the smallest
perceptron's derivative and minimizer, and which learning rate produced which loss curve.

How the inputs expose the usual mistakes:
- numerical gradients are taken of functions with strong curvature (e^{3x}) and interacting entries (a squared sum,
  neighbour products), on 1-, 2- and 3-d arrays: a forward difference is off by about 1e-5 relatively (the
  comparison allows 1e-6), a moved entry that is not put back changes the later entries, a loop over two axes
  fails on other shapes. A step of h = 0.01 / 0.05 on a cubic makes a step that is ignored visible (centered
  differences of x^3 are 3x^2 + h^2). The array is compared bitwise afterwards, so restoring by arithmetic
  (x + h - 2h + h) is caught, and a function that raises on its fourth call shows whether a moved entry is put back;
- loss and gradient are judged separately. dW is compared with the reference's on reg = 0 inputs (the lecture's
  table, a square N = C case, one example, a class missing from y), then with reg = 2.5 and weights whose
  regularization gradient outweighs the data gradient; float32 input; for softmax, scores of +-1e4 and rows thousands
  apart. On a mismatch the diagnosis rebuilds the common wrong gradients from the reference (reg = 0, halved reg,
  no 1/N, flipped sign, the correct class's column missing, P without - Y) and falls back on
  course_utils.checks.explain_gradient_mismatch against a numerical gradient of the reference loss;
- training is observed through a stand-in loss_grad, a quadratic bowl with a known minimizer that records every
  call (W, X_batch, y_batch, reg): so a student's loss bugs cannot affect these checks, and the batch size, the pairing
  of X and y rows, the resampling, the initial W, every step W <- W - lr dW, the recorded losses and the use of the
  seed are each checked exactly. A consistent least-squares problem checks that training actually converges.
"""
import math

import numpy as np

from course_utils.checks import explain_gradient_mismatch
from course_utils.gradcheck import eval_numerical_gradient as course_numerical_gradient
from course_utils.gradcheck import rel_error

from .core import PASS, Answer, Check, Custom, NoLoops, compare_values, fail, float_array
from .encoding import Unencodable
from .runner import CheckTimeout, describe_error

# ---------------------------------------------------------------------------------------------------------------
# Shared helpers: call a student function on several named inputs, compare each result with the reference.


class Cases(Check):
    """Call ``function`` on several named inputs and compare each result (or one part of it) with the reference.

    cases: list of ``(label, make_inputs)``; ``make_inputs()`` returns ``(args, kwargs)`` and must be deterministic.
    part: None to compare the whole result, or the index of the element to compare in a tuple result.
    part_names: names of the tuple's elements for messages, e.g. ("loss", "dW").
    diagnose: optional ``(got, expected, args, kwargs, context) -> str or None`` explaining a mismatch of the part.
    The first case that fails decides the message, which names the case.
    """

    def __init__(self, name, description, function, cases, part=None, part_names=None, rtol=1e-6, atol=1e-8,
                 diagnose=None, weight=1.0, time_limit=20.0, requires=()):
        super().__init__(name, description, weight, time_limit, requires)
        self.function, self.cases, self.part, self.part_names = function, list(cases), part, part_names
        self.rtol, self.atol, self.diagnose = rtol, atol, diagnose

    def observe(self, namespace):
        if self.function not in namespace:
            raise NameError(f"{self.function} is not defined: run its answer cell (and the cells above it) first")
        function = namespace[self.function]
        records = []
        for _, make_inputs in self.cases:
            args, kwargs = make_inputs()
            try:
                records.append({"value": function(*args, **kwargs)})
            except CheckTimeout:
                raise   # the check's time is up: stop here rather than run the other cases without a limit
            except Exception as error:   # one failing case must not hide the others
                records.append({"error": describe_error(error)})
        return records

    def judge(self, observation, context):
        if not isinstance(observation, list) or len(observation) != len(self.cases):
            return fail("the results of the calls could not be read back")
        reference = context.reference_function(self.function)
        for (label, make_inputs), record in zip(self.cases, observation):
            problem = self._problem(label, make_inputs, record, reference, context)
            if problem:
                return fail(problem)
        return PASS

    def _problem(self, label, make_inputs, record, reference, context):
        what = f"{self.function} on {label}"
        if not isinstance(record, dict) or ("value" not in record and "error" not in record):
            return f"{what}: the result could not be read back"
        if "error" in record:
            error = record["error"]
            return f"{what} raised {error.get('type')}: {error.get('message')} {error.get('where', '')}".rstrip()
        args, kwargs = make_inputs()
        expected = reference(*args, **kwargs)
        got = record["value"]
        if self.part is not None:
            names = self.part_names or tuple(f"element {i}" for i in range(len(expected)))
            if not isinstance(got, (tuple, list)) or len(got) != len(expected):
                return f"{what} should return a tuple ({', '.join(names)}), got {_describe(got)}"
            got, expected, what = got[self.part], expected[self.part], f"{names[self.part]} from {what}"
        names = self.part_names if self.part is None else None
        problem = compare_values(got, expected, what, self.rtol, self.atol, names)
        if problem and self.diagnose is not None:
            args, kwargs = make_inputs()
            explanation = self.diagnose(got, expected, args, kwargs, context)
            if explanation:
                problem = f"{problem}\n{explanation}"
        return problem


def _describe(value):
    if isinstance(value, Unencodable):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}"


def _matches(got, candidate, rtol=1e-5, atol=1e-8):
    return (got is not None and candidate is not None and got.shape == np.shape(candidate)
            and bool(np.allclose(got, candidate, rtol=rtol, atol=atol)))


def _first_match(got, variants, rtol=1e-5, atol=1e-8):
    """The explanation of the first (value, explanation) variant that got matches, or None."""
    for value, explanation in variants:
        if value is not None and _matches(got, value, rtol, atol):
            return explanation
    return None


def _call(namespace, name):
    if name not in namespace:
        raise NameError(f"{name} is not defined: run its answer cell (and the cells above it) first")
    return namespace[name]


# ---------------------------------------------------------------------------------------------------------------
# eval_numerical_gradient


def _curvy(x):
    # Strong curvature (e^{3x}) and entries that interact (a squared sum, neighbour products along the last axis).
    return float(np.sum(np.exp(3.0 * x)) + 2.0 * np.sum(x) ** 2 + np.sum(x[..., :-1] * x[..., 1:]))


def _cubic(x):
    # Centered differences of x^3 are exactly 3x^2 + h^2: the step h shows in the result.
    return float(np.sum(x ** 3) + 0.5 * np.sum(x) ** 2)


def _point(seed, shape):
    return np.random.default_rng(seed).uniform(-0.8, 0.8, shape)


def _numgrad_matrix():
    return (_curvy, _point(301, (3, 4))), {}


def _numgrad_vector():
    return (_curvy, _point(302, (5,))), {}


def _numgrad_cube():
    return (_curvy, _point(303, (2, 2, 3))), {}


def _numgrad_keyword_step():
    return (_cubic, _point(304, (2, 3))), {"h": 0.01}


def _numgrad_positional_step():
    return (_cubic, _point(305, (4,)), 0.05), {}


def _differences(f, x, h, kind):
    """Forward, backward or centered differences of f at every entry of x (on copies), or the centered ones of a
    loop that never puts the moved entries back ("unrestored")."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros(x.shape)
    drifting = x.copy()
    for index in np.ndindex(x.shape):
        if kind == "unrestored":
            drifting[index] += h
            plus = f(drifting)
            drifting[index] -= 2 * h
            grad[index] = (plus - f(drifting)) / (2 * h)
            continue
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        if kind == "forward":
            grad[index] = (f(up) - f(x)) / h
        elif kind == "backward":
            grad[index] = (f(x) - f(down)) / h
        else:
            grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


def _diagnose_numerical(got, expected, args, kwargs, context):
    got = float_array(got)
    if got is None:
        return None
    f, x = args[0], args[1]
    h = args[2] if len(args) > 2 else kwargs.get("h", 1e-5)
    centered = np.asarray(expected, dtype=np.float64)
    variants = [
        (_differences(f, x, h, "forward"), "These are forward differences (f(x + h e_i) - f(x)) / h, whose error "
                                            "grows like h. Use centered differences: (f(x + h e_i) - f(x - h e_i)) "
                                            "/ (2 h)."),
        (_differences(f, x, h, "backward"), "These are backward differences (f(x) - f(x - h e_i)) / h. Use centered "
                                             "differences: (f(x + h e_i) - f(x - h e_i)) / (2 h)."),
        (2 * centered, "The result is twice the centered difference: divide f(x + h e_i) - f(x - h e_i) by 2 h, "
                       "not by h."),
        (0.5 * centered, "The result is half the centered difference: divide f(x + h e_i) - f(x - h e_i) by 2 h "
                         "(once)."),
        (_differences(f, x, h, "unrestored"), "Each moved entry is left at x - h: put the saved value back after "
                                               "evaluating f on both sides, before moving to the next entry."),
    ]
    if h != 1e-5:
        variants += [
            (_differences(f, x, 1e-5, "centered"), f"The result is the centered difference with h = 1e-5, but h = "
                                                   f"{h:g} was passed: use the h argument, not a fixed step."),
            (_differences(f, x, 1e-5, "forward"), f"These are forward differences with h = 1e-5, but h = {h:g} was "
                                                  "passed: use centered differences with the h argument."),
        ]
    return _first_match(got, variants, rtol=1e-7, atol=1e-10)


def _observe_unchanged(namespace):
    f, x = _numgrad_matrix()[0]
    _call(namespace, "eval_numerical_gradient")(f, x)
    return x


def _judge_unchanged(observation, context):
    return _judge_point_after(observation, "after the call")


def _judge_point_after(x_after, when):
    (_, x_before), _ = _numgrad_matrix()
    x_after = float_array(x_after)
    if x_after is None or x_after.shape != x_before.shape:
        return fail(f"x {when} is no longer an array of shape {x_before.shape}: leave the caller's x alone")
    if np.array_equal(x_after, x_before):
        return PASS
    changed = x_after != x_before
    difference = np.abs(x_after - x_before)
    where = f"{int(changed.sum())} of its {x_before.size} entries changed"
    if np.max(difference) <= 1e-12 * (1 + np.max(np.abs(x_before))):
        return fail(f"x {when} is not exactly what it was: {where}, by rounding only (about "
                    f"{np.max(difference):.0e}). Putting an entry back by arithmetic (x[i] + h - 2h + h) does not "
                    "always give the original number in floating point: save the old value and assign it back.")
    if np.allclose(difference[changed], 1e-5, rtol=1e-3):
        return fail(f"x {when} has moved: {where} by h. Put each entry back to its saved value once f has been "
                    "evaluated on both sides (or work on a copy of x).")
    return fail(f"x {when} has changed ({where}). The caller's x must be left exactly as it was: work on a copy, "
                "or put every moved entry back to its saved value.")


class _FailingFunction:
    """A smooth f that raises on its fourth call, when an entry of x has been moved."""

    def __init__(self):
        self.calls = 0

    def __call__(self, x):
        self.calls += 1
        if self.calls == 4:
            raise RuntimeError("f failed on purpose during the check")
        return _curvy(x)


def _observe_f_raises(namespace):
    (_, x), _ = _numgrad_matrix()
    try:
        _call(namespace, "eval_numerical_gradient")(_FailingFunction(), x)
    except RuntimeError:
        return {"raised": True, "x": x}
    return {"raised": False, "x": x}


def _judge_f_raises(observation, context):
    if not isinstance(observation, dict) or "x" not in observation:
        return fail("the result of the call could not be read back")
    if not observation.get("raised"):
        return fail("f raised a RuntimeError, but it did not reach the caller: let errors from f propagate (do not "
                    "catch them), or the caller gets a wrong gradient without knowing it.")
    verdict = _judge_point_after(observation["x"], "after f raised an error")
    if not verdict.passed:
        return fail(verdict.message + " When f raises, the moved entry must be put back too: restore it in a "
                                      "finally block (try: ... finally: x[i] = saved), or work on a copy of x.")
    return PASS


# ---------------------------------------------------------------------------------------------------------------
# sigmoid_unit_loss_grad


def _sigmoid_problem(seed, num_examples, dim, weight_scale=0.7, dtype=np.float64):
    rng = np.random.default_rng(seed)
    w = weight_scale * rng.standard_normal(dim)
    X = rng.standard_normal((num_examples, dim))
    y = rng.uniform(0, 1, num_examples)
    return (w.astype(dtype), X.astype(dtype), y.astype(dtype)), {}


SIGMOID_CASES = [
    ("7 examples with 3 features", lambda: _sigmoid_problem(401, 7, 3)),
    ("one example with 4 features", lambda: _sigmoid_problem(402, 1, 4)),
    ("20 examples with larger weights (some sigma near 0 or 1)", lambda: _sigmoid_problem(403, 20, 5, 2.0)),
]


def _diagnose_sigmoid_loss(got, expected, args, kwargs, context):
    value = float_array(got)
    if value is None or value.shape != ():
        return None
    num_examples = args[1].shape[0]
    return _first_match(value, [
        (float(expected) / num_examples, "That is the mean over the examples; the notes' loss is their sum."),
        (float(expected) / 2, "That is half the loss: the loss here is sum (y_i - sigma_i)^2, without a 1/2."),
    ])


def _diagnose_sigmoid_grad(got, expected, args, kwargs, context):
    got = float_array(got)
    if got is None:
        return None
    num_examples = args[1].shape[0]
    if _matches(got, np.asarray(expected) / num_examples):
        return "dw is divided by N: the loss is a sum over the examples, so its gradient is too."
    return explain_gradient_mismatch(got, expected)


# ---------------------------------------------------------------------------------------------------------------
# svm_loss_grad and softmax_loss_grad: inputs (W, X, y, reg)

NOTES_SCORES = ((3.2, 5.1, -1.7), (1.3, 4.9, 2.0), (2.2, 2.5, -3.1))


def _linear_problem(seed, num_train, dim, num_classes, reg, weight_scale=0.8, dtype=np.float64,
                    label_dtype=np.int64, missing_class=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((num_train, dim))
    W = weight_scale * rng.standard_normal((dim, num_classes))
    high = num_classes - 1 if missing_class else num_classes   # the last class never appears in y
    y = rng.integers(0, high, num_train)
    return (W.astype(dtype), X.astype(dtype), y.astype(label_dtype), reg), {}


def _table_inputs():
    # X = I, so the scores X @ W are the lecture's table itself.
    return (np.array(NOTES_SCORES), np.eye(3), np.array([0, 1, 2]), 0.0), {}


def _far_rows_inputs():
    # X = I, so W holds the scores. Rows thousands apart: one global shift leaves e^(-4000) = 0 in some rows.
    rng = np.random.default_rng(508)
    offsets = np.array([2000.0, -2000.0, 0.0, 900.0, -900.0])
    scores = 3.0 * rng.standard_normal((5, 4)) + offsets[:, None]
    return (scores, np.eye(5), rng.integers(0, 4, 5), 0.0), {}


LINEAR_DATA_CASES = [
    ("the lecture's table (X = I, so W is the scores)", _table_inputs),
    ("random data, N = 8, D = 5, C = 4, reg = 0", lambda: _linear_problem(501, 8, 5, 4, 0.0)),
    ("N = C = 4 (a broadcast along the wrong axis runs without an error), reg = 0",
     lambda: _linear_problem(502, 4, 3, 4, 0.0)),
    ("a single example, reg = 0", lambda: _linear_problem(503, 1, 6, 5, 0.0)),
    ("C = 5 classes, class 4 absent from y, reg = 0", lambda: _linear_problem(504, 10, 6, 5, 0.0, missing_class=True)),
]
LINEAR_REG_CASES = [
    ("reg = 2.5, where 2 * reg * W outweighs the data gradient",
     lambda: _linear_problem(505, 9, 6, 5, 2.5, weight_scale=0.5)),
    ("reg = 0.7, N = 12, D = 4, C = 3", lambda: _linear_problem(506, 12, 4, 3, 0.7)),
]
LINEAR_FLOAT32_CASES = [
    ("float32 W and X with int32 labels, reg = 0.25",
     lambda: _linear_problem(507, 10, 7, 3, 0.25, dtype=np.float32, label_dtype=np.int32)),
]
SOFTMAX_STABLE_CASES = [
    ("scores of about +-1e4", lambda: (_linear_problem(509, 8, 6, 5, 0.0, weight_scale=1500.0)[0], {})),
    ("rows of scores thousands apart (X = I)", _far_rows_inputs),
]


def _loss_diagnosis(function):
    """Explain a wrong loss of ``function`` by the common mistakes, rebuilt from the reference."""

    def diagnose(got, expected, args, kwargs, context):
        value = float_array(got)
        if value is None or value.shape != ():
            return None
        value = float(value)
        if not math.isfinite(value):
            return _nonfinite_loss_hint(function, value)
        W, X, y, reg = _float64_problem(args)
        reference = context.reference_function(function)
        data = float(reference(W, X, y, 0.0)[0])
        reg_term = float(reference(W, X, y, reg)[0]) - data
        num_train = X.shape[0]
        variants = [
            (data + 0.5 * reg_term, "The regularization term is half of reg * np.sum(W * W): this course's loss "
                                    "has no factor 1/2."),
            (data + 2 * reg_term, "The regularization term is doubled: the loss adds reg * np.sum(W * W) (the 2 "
                                  "belongs to the gradient)."),
            (num_train * data + reg_term, f"The data loss is summed over the N = {num_train} examples: take the "
                                          "mean."),
            (-data + reg_term, "The data loss has the wrong sign."),
        ]
        if reg:
            variants.insert(0, (data, f"The regularization term reg * np.sum(W * W) is missing (reg = {reg:g})."))
        if function == "svm_loss_grad":
            variants.append((data + 1 + reg_term, "Each example's loss is 1 too high: the sum includes j = y_i, "
                                                  "whose term is always 1. Set the correct classes' margins to 0."))
        else:
            variants.append((data / math.log(10) + reg_term, "That is the base-10 log: use the natural log, np.log."))
        return _first_match(np.asarray(value), [(np.asarray(v), text) for v, text in variants])

    return diagnose


def _nonfinite_loss_hint(function, value):
    if function == "svm_loss_grad":
        return "The hinge loss needs no exp or log: look for a division by zero."
    if math.isnan(value):
        return ("NaN: either np.exp overflowed (e^710 is already inf, and inf / inf is NaN), or every exponential "
                "of a row became 0 (0 / 0), which happens when all rows are shifted by the one largest score of the "
                "whole matrix. Subtract each row's own maximum, np.max(scores, axis=1, keepdims=True), before "
                "np.exp.")
    return ("inf: a probability rounded to 0 and its log is -inf. Shift each row by its own maximum (not the "
            "maximum of the whole matrix), and compute L_i = log(sum_j e^(s_j - m)) - (s_{y_i} - m).")


def _float64_problem(args):
    W, X, y, reg = args
    return np.asarray(W, dtype=np.float64), np.asarray(X, dtype=np.float64), np.asarray(y), float(reg)


def _grad_diagnosis(function):
    """Explain a wrong dW of ``function`` by the common mistakes, rebuilt from the reference; else compare with a
    numerical gradient of the reference loss (course_utils.checks.explain_gradient_mismatch)."""

    def diagnose(got, expected, args, kwargs, context):
        got = float_array(got)
        if got is None:
            return None
        W, X, y, reg = _float64_problem(args)
        reference = context.reference_function(function)
        numerical = course_numerical_gradient(lambda W_: reference(W_, X, y, reg)[0], W)
        if got.shape != W.shape:
            return explain_gradient_mismatch(got, numerical, y)
        if not np.all(np.isfinite(got)):
            return _nonfinite_loss_hint(function, math.nan)
        explanation = _first_match(got, _grad_variants(function, reference, W, X, y, reg))
        if explanation:
            return explanation
        pattern = explain_gradient_mismatch(got, numerical, y)
        comparison = (f"Against a numerical gradient of the correct loss your dW has a relative error of "
                      f"{rel_error(got, numerical):.1e} (a correct one is below 1e-7).")
        return f"{comparison} {pattern[0].upper() + pattern[1:]}." if pattern else comparison

    return diagnose


def _grad_variants(function, reference, W, X, y, reg):
    """(dW, explanation) pairs for the common wrong gradients, all computed with the reference."""
    num_train = X.shape[0]
    data = np.asarray(reference(W, X, y, 0.0)[1], dtype=np.float64)
    reg_part = np.asarray(reference(W, X, y, reg)[1], dtype=np.float64) - data
    # dL_i/ds for every example: with X = I and W = the scores, the reference's dW is G / N.
    dscores = num_train * np.asarray(reference(X @ W, np.eye(num_train), y, 0.0)[1], dtype=np.float64)
    rows = np.arange(num_train)
    without_correct = dscores.copy()
    without_correct[rows, y] = 0.0
    variants = [
        (num_train * data + reg_part, f"dW is not divided by N: the loss is a mean over the N = {num_train} "
                                      "examples, so the data gradient is X.T @ dscores / N."),
        (-data + reg_part, "The data part of dW has the wrong sign: dW points uphill, the direction in which the "
                           "loss grows."),
        (-data - reg_part, "dW has the wrong sign everywhere: it must point uphill (the step then subtracts it)."),
    ]
    if reg:
        variants = [
            (data, f"The regularization gradient is missing: the derivative of reg * np.sum(W * W) is 2 * reg * W "
                   f"(reg = {reg:g} here)."),
            (data + 0.5 * reg_part, "The regularization gradient is reg * W: the derivative of reg * np.sum(W * W) "
                                    "is 2 * reg * W."),
            (data + 2 * reg_part, "The regularization gradient is 4 * reg * W: the derivative of "
                                  "reg * np.sum(W * W) is 2 * reg * W."),
        ] + variants
    if function == "svm_loss_grad":
        variants.append((X.T @ without_correct / num_train + reg_part,
                         "The correct classes' columns get nothing: for j = y_i, dL_i/ds_{y_i} is minus the number "
                         "of wrong classes with a positive margin, so each such class also pulls the correct "
                         "class's column (dscores[rows, y] = -count)."))
    else:
        one_hot = np.zeros_like(dscores)
        one_hot[rows, y] = 1.0
        variants += [
            (X.T @ (dscores + one_hot) / num_train + reg_part,
             "dscores is the probabilities P without the - 1 at the correct class: dL_i/ds_k = p_k - 1[k = y_i]."),
            (X.T @ without_correct / num_train + reg_part,
             "The correct classes' entries of dscores are 0: they must be p_{y_i} - 1."),
        ]
    return variants


def _linear_checks(function, stable_cases=()):
    loss_cases = LINEAR_DATA_CASES + LINEAR_REG_CASES
    checks = [
        Cases("loss", "the loss on the lecture's table and on random data, with and without regularization",
              function, loss_cases, part=0, part_names=("loss", "dW"), diagnose=_loss_diagnosis(function),
              weight=1.5),
        Cases("dW", "dW without regularization: the lecture's table, N = C, one example, a class absent from y",
              function, LINEAR_DATA_CASES, part=1, part_names=("loss", "dW"), diagnose=_grad_diagnosis(function),
              weight=2.0),
        Cases("dW_reg", "dW with strong regularization (its gradient is 2 * reg * W)", function, LINEAR_REG_CASES,
              part=1, part_names=("loss", "dW"), diagnose=_grad_diagnosis(function), weight=1.5),
        Cases("float32", "float32 input gives the same loss and dW (to float32 precision)", function,
              LINEAR_FLOAT32_CASES, part_names=("loss", "dW"), rtol=1e-4, atol=1e-5, weight=0.5),
    ]
    if stable_cases:
        checks.append(Cases("stable", "finite and correct loss and dW for scores of +-1e4 and rows far apart",
                            function, stable_cases, part_names=("loss", "dW"), rtol=1e-6, atol=1e-8,
                            diagnose=_stability_diagnosis, weight=1.0))
    checks += [
        NoLoops("no_loops", f"{function} uses no Python loops", function, requires=["dW"]),
        Custom("unchanged", "W, X and y are left unchanged", _observe_linear_unchanged(function),
               _judge_linear_unchanged, weight=0.5, requires=["loss"]),
    ]
    return checks


def _stability_diagnosis(got, expected, args, kwargs, context):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    loss = float_array(got[0])
    if loss is not None and loss.shape == () and not math.isfinite(float(loss)):
        return _nonfinite_loss_hint("softmax_loss_grad", float(loss))
    gradient = float_array(got[1])
    if gradient is not None and not np.all(np.isfinite(gradient)):
        return ("dW holds NaN or inf: compute the probabilities from the shifted scores, "
                "exp(s - m) / sum exp(s - m) with m each row's maximum.")
    return None


def _observe_linear_unchanged(function):
    def observe(namespace):
        args, _ = LINEAR_REG_CASES[0][1]()
        _call(namespace, function)(*args)
        return args[:3]
    return observe


def _judge_linear_unchanged(observation, context):
    fresh, _ = LINEAR_REG_CASES[0][1]()
    if not isinstance(observation, tuple) or len(observation) != 3:
        return fail("could not read W, X and y back after the call")
    changed = [name for name, before, after in zip(("W", "X", "y"), fresh[:3], observation)
               if float_array(after) is None or np.shape(after) != before.shape
               or not np.array_equal(np.asarray(after), before)]
    if changed:
        return fail(f"the function modified {', '.join(changed)} in place: compute on new arrays "
                    "(scores = X @ W, then scores - ...; never W -= ... or X[...] = ...).")
    return PASS


# ---------------------------------------------------------------------------------------------------------------
# train_linear_classifier: observed through a recording stand-in loss_grad


class RecordingBowl:
    """A loss_grad for checking a training loop: sum((W - W_star)^2) + reg * sum(W^2), recording every call.

    Its minimizer W_star / (1 + reg) is known and it ignores the minibatch's values, so the checks see the training
    loop alone: the student's own loss cannot affect them. Each call records copies of W, X_batch, y_batch and reg.
    """

    def __init__(self, W_star):
        self.W_star = np.asarray(W_star, dtype=np.float64)
        self.calls = []

    def __call__(self, W, X_batch, y_batch, reg):
        W = np.array(W, dtype=np.float64)
        if W.shape != self.W_star.shape:
            raise ValueError(f"loss_grad received W of shape {W.shape}, but X has D = {self.W_star.shape[0]} "
                             f"columns and C = max(y) + 1 = {self.W_star.shape[1]}, so W must have shape "
                             f"{self.W_star.shape}")
        self.calls.append({"W": W, "X": np.array(X_batch, dtype=np.float64), "y": np.array(y_batch),
                           "reg": float(reg)})
        return bowl_loss_grad(W, self.W_star, float(reg))


def bowl_loss_grad(W, W_star, reg):
    """The recording bowl's loss and gradient at W."""
    return float(np.sum((W - W_star) ** 2) + reg * np.sum(W * W)), 2 * (W - W_star) + 2 * reg * W


BOWL = {"num_train": 40, "dim": 3, "num_classes": 5, "learning_rate": 0.1, "reg": 0.25, "num_iters": 25,
        "batch_size": 8, "seed": 11}


def _bowl_problem():
    """X (N, D) whose column 0 is the row number (so a minibatch shows which rows it holds), y without label 3
    (C = max(y) + 1 = 5 even so), and the bowl's W_star (D, C)."""
    rng = np.random.default_rng(601)
    num_train, dim = BOWL["num_train"], BOWL["dim"]
    X = np.column_stack([np.arange(num_train, dtype=np.float64), rng.standard_normal((num_train, dim - 1))])
    y = rng.choice(np.array([0, 1, 2, 4]), num_train)
    y[:2] = [4, 0]
    W_star = rng.standard_normal((dim, BOWL["num_classes"]))
    return X, y, W_star


def _train(namespace, loss_grad, X, y, learning_rate, reg, num_iters, batch_size, seed):
    """Run the student's training loop; returns (W, loss_history) in encodable form."""
    result = _call(namespace, "train_linear_classifier")(loss_grad, X, y, learning_rate, reg, num_iters,
                                                           batch_size, seed)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return {"bad_return": _describe(result)}
    W, history = result
    try:
        history = np.asarray(history, dtype=np.float64).reshape(-1) if history is not None else None
    except (TypeError, ValueError):
        history = repr(history)[:200]
    return {"W": W, "history": history}


def _observe_bowl(namespace):
    X, y, W_star = _bowl_problem()
    bowl = RecordingBowl(W_star)
    outcome = _train(namespace, bowl, X, y, BOWL["learning_rate"], BOWL["reg"], BOWL["num_iters"],
                     BOWL["batch_size"], BOWL["seed"])
    outcome["calls"] = bowl.calls
    outcome["X_after"], outcome["y_after"] = X, y
    return outcome


def _bowl_judge(judge_run):
    """A judge that first checks the run returned (W, loss_history), then calls judge_run(run)."""

    def judge(observation, context):
        if not isinstance(observation, dict) or "calls" not in observation:
            return fail("the training run could not be read back")
        if "bad_return" in observation:
            return fail(f"train_linear_classifier should return a tuple (W, loss_history), got "
                        f"{observation['bad_return']}")
        return judge_run(_normalized_run(observation))

    return judge


def _normalized_run(run):
    """The recorded calls with plain types: float64 arrays for W and X_batch, an array for y_batch, a float reg."""
    calls = []
    for call in run["calls"] if isinstance(run["calls"], list) else []:
        calls.append({"W": np.asarray(call["W"], dtype=np.float64), "X": np.asarray(call["X"], dtype=np.float64),
                      "y": np.asarray(call["y"]), "reg": float(call["reg"])})
    return dict(run, calls=calls)


def _judge_calls(run):
    calls, num_iters = run["calls"], BOWL["num_iters"]
    W = float_array(run["W"])
    expected_shape = (BOWL["dim"], BOWL["num_classes"])
    if W is None or W.shape != expected_shape:
        shape = None if W is None else W.shape
        return fail(f"the returned W has shape {shape}, expected {expected_shape}: (D, C) with C = max(y) + 1 = 5 "
                    "(here y has no label 3, so counting the distinct labels gives 4)")
    if len(calls) != num_iters:
        return fail(f"loss_grad was called {len(calls)} times for num_iters = {num_iters}: call it exactly once "
                    "per iteration, on that iteration's minibatch")
    history = run["history"]
    if not isinstance(history, np.ndarray) or history.shape != (num_iters,):
        described = history if isinstance(history, str) else (None if history is None else history.shape)
        return fail(f"loss_history should hold num_iters = {num_iters} numbers, one per iteration; got "
                    f"{described}")
    return PASS


def _judge_batch_size(run):
    batch_size, dim = BOWL["batch_size"], BOWL["dim"]
    shapes = sorted({(call["X"].shape, call["y"].shape) for call in run["calls"]})
    if shapes != [((batch_size, dim), (batch_size,))]:
        return fail(f"every minibatch should hold batch_size = {batch_size} rows of X, shape ({batch_size}, {dim}), "
                    f"and the same number of labels; loss_grad received (X_batch, y_batch) shapes {shapes}")
    return PASS


def _judge_batch_rows(run):
    X, y, _ = _bowl_problem()
    for t, call in enumerate(run["calls"]):
        ids = call["X"][:, 0] if call["X"].ndim == 2 and call["X"].shape[1] == X.shape[1] else None
        if ids is None or not np.all(np.isin(ids, np.arange(X.shape[0]))):
            return fail(f"iteration {t}: the rows of X_batch are not rows of X: pass X[batch] with batch an array "
                        "of row indices")
        rows = ids.astype(int)
        if not np.array_equal(call["X"], X[rows]):
            return fail(f"iteration {t}: the rows of X_batch are not rows of X: pass X[batch] with batch an array "
                        "of row indices")
        if call["y"].shape != rows.shape or not np.array_equal(call["y"], y[rows]):
            return fail(f"iteration {t}: y_batch does not hold the labels of the rows in X_batch: index X and y "
                        "with the same indices, X[batch] and y[batch] (and do not shuffle them separately)")
    return PASS


def _judge_resampled(run):
    calls, num_train = run["calls"], BOWL["num_train"]
    batches = [tuple(call["X"][:, 0]) if call["X"].ndim == 2 and len(call["X"]) else () for call in calls]
    distinct = len(set(batches))
    covered = len({row for batch in batches for row in batch})
    if distinct == 1 and len(calls) > 1:
        return fail(f"every one of the {len(calls)} iterations used the same minibatch: draw new random row "
                    "indices inside the loop, at every iteration")
    if distinct < 0.8 * len(calls):
        return fail(f"only {distinct} different minibatches in {len(calls)} iterations: draw the rows at random "
                    "at every iteration (for example rng.choice(N, batch_size)), not in a fixed order")
    if covered < num_train // 2:
        return fail(f"the minibatches only ever used {covered} of the {num_train} training rows: sample from all "
                    "N rows")
    return PASS


def _judge_init(run):
    if not run["calls"]:
        return fail("loss_grad was never called, so the initial W is unknown")
    W0 = run["calls"][0]["W"]
    largest = float(np.max(np.abs(W0)))
    if largest == 0.0:
        return fail("W starts at zero: start from small random numbers, 0.001 * rng.standard_normal((D, C)), "
                    "drawn from the seeded generator")
    if largest > 0.1:
        return fail(f"W starts with entries as large as {largest:.3g}: start small, "
                    "0.001 * rng.standard_normal((D, C))")
    return PASS


def _judge_reg_passed(run):
    regs = sorted({call["reg"] for call in run["calls"]})
    if regs != [BOWL["reg"]]:
        return fail(f"loss_grad received reg = {', '.join(f'{r:g}' for r in regs)} instead of the reg argument "
                    f"({BOWL['reg']:g}): pass reg on to loss_grad")
    return PASS


def _judge_steps(run):
    calls, learning_rate = run["calls"], BOWL["learning_rate"]
    X, y, W_star = _bowl_problem()
    W = float_array(run["W"])
    sequence = [call["W"] for call in calls] + ([W] if W is not None else [])
    for t in range(len(sequence) - 1):
        gradient = bowl_loss_grad(sequence[t], W_star, calls[t]["reg"])[1]
        step = sequence[t + 1] - sequence[t]
        if sequence[t + 1].shape == step.shape and np.allclose(step, -learning_rate * gradient, rtol=1e-8,
                                                                atol=1e-12):
            continue
        last = t == len(sequence) - 2
        return fail(_describe_step(step, gradient, learning_rate, t, last))
    return PASS


def _describe_step(step, gradient, learning_rate, t, last):
    where = "the returned W is not the W after the last step" if last else f"the step after iteration {t} is wrong"
    factor = -float(np.vdot(step, gradient)) / max(float(np.vdot(gradient, gradient)), 1e-300)
    if np.allclose(step, -factor * gradient, rtol=1e-6, atol=1e-12):
        if np.isclose(factor, 0.0, atol=1e-12):
            detail = ("W did not change." if not last else "it equals the W of the last iteration: update W after "
                      "every call, including the last one, and return the updated W.")
        elif np.isclose(factor, -learning_rate, rtol=1e-6):
            detail = ("W moved up the gradient (W + learning_rate * dW), so the loss grows: step against it, "
                      "W = W - learning_rate * dW.")
        else:
            detail = (f"W moved by {factor:.6g} times -dW, but learning_rate = {learning_rate:g}: step with "
                      "W = W - learning_rate * dW, using the learning_rate argument.")
        return f"{where}: {detail}"
    return (f"{where}: W should change by exactly -learning_rate * dW (dW as returned by loss_grad for that "
            "iteration's W); yours changed in another way.")


def _judge_history(run):
    X, y, W_star = _bowl_problem()
    losses = np.array([bowl_loss_grad(call["W"], W_star, call["reg"])[0] for call in run["calls"]])
    history = run["history"]
    if not isinstance(history, np.ndarray) or history.shape != losses.shape:
        return fail("loss_history should hold one loss per iteration (see the check on the number of calls)")
    if np.allclose(history, losses, rtol=1e-9, atol=1e-12):
        return PASS
    if len(losses) > 1 and np.allclose(history[:-1], losses[1:], rtol=1e-9, atol=1e-12):
        return fail("loss_history is shifted by one iteration: record the loss that loss_grad returns at iteration "
                    "t (before that iteration's step)")
    return fail("loss_history[t] should be the loss that loss_grad returned at iteration t, as a number; yours holds "
                "other values")


def _judge_inputs_unchanged(run):
    X, y, _ = _bowl_problem()
    changed = [name for name, before, after in (("X", X, run["X_after"]), ("y", y, run["y_after"]))
               if float_array(after) is None or np.shape(after) != before.shape or not np.array_equal(after, before)]
    if changed:
        return fail(f"train_linear_classifier modified {' and '.join(changed)} in place: never shuffle the "
                    "caller's data; draw row indices and index with them (X[batch], y[batch])")
    return PASS


SEED_RUN = {"num_iters": 6, "batch_size": 8, "learning_rate": 0.1, "reg": 0.25}


def _observe_seeds(namespace):
    runs = []
    for seed in (5, 5, 6):
        X, y, W_star = _bowl_problem()
        bowl = RecordingBowl(W_star)
        outcome = _train(namespace, bowl, X, y, SEED_RUN["learning_rate"], SEED_RUN["reg"], SEED_RUN["num_iters"],
                         SEED_RUN["batch_size"], seed)
        runs.append({"W": outcome.get("W"), "W0": bowl.calls[0]["W"] if bowl.calls else None,
                     "rows": [call["X"][:, 0] for call in bowl.calls if call["X"].ndim == 2]})
    return runs


def _same(a, b):
    if a is None or b is None:
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    a, b = float_array(a), float_array(b)
    return a is not None and b is not None and a.shape == b.shape and bool(np.array_equal(a, b))


def _judge_seeds(observation, context):
    if not isinstance(observation, list) or len(observation) != 3:
        return fail("the three training runs could not be read back")
    first, again, other = observation
    if not (_same(first["W0"], again["W0"]) and _same(first["rows"], again["rows"])
            and _same(first["W"], again["W"])):
        return fail("two runs with the same seed (5) gave different results: draw every random number (the "
                    "initial W and every minibatch) from rng = np.random.default_rng(seed), not from np.random's "
                    "global functions")
    if _same(first["W0"], other["W0"]):
        return fail("seeds 5 and 6 start from the same W: draw the initial W from the seeded generator")
    if _same(first["rows"], other["rows"]):
        return fail("seeds 5 and 6 draw the same minibatches: draw the row indices from the seeded generator")
    return PASS


def _least_squares_problem():
    rng = np.random.default_rng(602)
    X = rng.standard_normal((60, 4))
    W_true = rng.standard_normal((4, 3))
    y = np.arange(60) % 3
    return X, y, W_true


def _least_squares_loss_grad(W_true):
    def loss_grad(W, X_batch, y_batch, reg):
        W = np.asarray(W, dtype=np.float64)
        residuals = np.asarray(X_batch, dtype=np.float64) @ (W - W_true)
        loss = float(np.mean(np.sum(residuals ** 2, axis=1)) + reg * np.sum(W * W))
        return loss, 2 * np.asarray(X_batch).T @ residuals / len(X_batch) + 2 * reg * W
    return loss_grad


def _observe_converges(namespace):
    X, y, W_true = _least_squares_problem()
    return _train(namespace, _least_squares_loss_grad(W_true), X, y, 0.05, 0.0, 400, 10, 3)


def _judge_converges(observation, context):
    if not isinstance(observation, dict) or "bad_return" in observation or "W" not in observation:
        return fail("train_linear_classifier should return a tuple (W, loss_history)")
    _, _, W_true = _least_squares_problem()
    W = float_array(observation["W"])
    if W is None or W.shape != W_true.shape:
        return fail(f"the returned W should have shape {W_true.shape}")
    if not np.all(np.isfinite(W)):
        return fail("W became NaN or inf: the steps grow instead of shrinking (a step up the gradient, or a far "
                    "too large step)")
    error = float(np.linalg.norm(W - W_true) / np.linalg.norm(W_true))
    if error > 1e-3:
        return fail(f"after 400 iterations of least squares with learning rate 0.05, W is still {error:.2g} "
                    "(relative) away from the known minimizer: check the step W = W - learning_rate * dW")
    return PASS


def _bowl_check(name, description, judge_run, weight, requires=()):
    return Custom(name, description, _observe_bowl, _bowl_judge(judge_run), weight=weight, requires=requires)


# ---------------------------------------------------------------------------------------------------------------
# Short answers with hints for the common wrong values


def _answer_with_hints(name, description, variable, hints, rtol=1e-3, weight=1.0):
    """An Answer-like check on one numeric variable that names a common wrong value's mistake."""

    def observe(namespace):
        return _call(namespace, variable)

    def judge(observation, context):
        expected = context.reference[variable]
        value = float_array(observation)
        if value is not None and value.shape == () and math.isfinite(float(value)):
            if math.isclose(float(value), float(expected), rel_tol=rtol, abs_tol=1e-9):
                return PASS
            for wrong, hint in hints:
                if math.isclose(float(value), wrong, rel_tol=rtol, abs_tol=1e-9):
                    return fail(f"{variable} is not the expected answer. {hint}")
        return fail(f"{variable} is not the expected answer. Revisit the question above the cell.")

    return Custom(name, description, observe, judge, weight=weight)


# ---------------------------------------------------------------------------------------------------------------

NUMGRAD_CASES = [
    ("a (3, 4) array with the default h", _numgrad_matrix),
    ("a (5,) array with the default h", _numgrad_vector),
    ("a (2, 2, 3) array with the default h", _numgrad_cube),
]
NUMGRAD_STEP_CASES = [
    ("sum(x**3) + ... with h = 0.01 given by keyword", _numgrad_keyword_step),
    ("sum(x**3) + ... with h = 0.05 given as the third argument", _numgrad_positional_step),
]

TESTS = {
    "test_q_difference_order": [
        Answer("factors", "how the forward and centered differences' errors shrink when h is divided by 10",
               ["forward_error_factor", "centered_error_factor"]),
    ],
    "test_eval_numerical_gradient": [
        Cases("values", "centered differences with h = 1e-5 on arrays of any shape (1-d, 2-d, 3-d)",
              "eval_numerical_gradient", NUMGRAD_CASES, rtol=1e-6, atol=1e-8, diagnose=_diagnose_numerical,
              weight=2.0),
        Cases("step", "the step h passed in is used (by keyword and as the third argument)",
              "eval_numerical_gradient", NUMGRAD_STEP_CASES, rtol=1e-6, atol=1e-8, diagnose=_diagnose_numerical,
              weight=1.5),
        Custom("unchanged", "x is exactly as it was after the call", _observe_unchanged, _judge_unchanged,
               weight=1.0, requires=["values"]),
        Custom("f_raises", "when f raises, the error reaches the caller and x is exactly as it was",
               _observe_f_raises, _judge_f_raises, weight=0.5, requires=["values"]),
    ],
    "test_q_numerical_cost": [
        _answer_with_hints("evaluations", "loss evaluations for one centered-difference gradient of a (3073, 10) W",
                           "cifar10_loss_evaluations",
                           [(30730, "One evaluation per weight is what forward differences need; centered "
                                    "differences evaluate the loss on both sides of every weight."),
                            (61461, "Do not count the evaluation at x itself: centered differences do not need it."),
                            (30731, "Centered differences evaluate the loss twice per weight, at x + h and x - h."),
                            (61440, "With the bias trick W has 3072 + 1 = 3073 rows.")]),
    ],
    "test_q_perceptron": [
        _answer_with_hints("grad_at_1", "dL/dw of the smallest perceptron at w = 1", "perceptron_grad_at_1",
                           [(0.55, "Check the sign: dL/dw = -sum (y_i - w x_i) x_i, and at w = 1 the prediction "
                                   "is too low for the largest x."),
                            (-1.1, "The loss has a 1/2 in front: its derivative is -sum (y_i - w x_i) x_i, "
                                   "without a factor 2."),
                            (-0.1375, "That is a mean over the examples; L is their sum.")]),
        _answer_with_hints("best_w", "the w with the lowest total loss", "perceptron_best_w",
                           [(1.0, "w = 1 has a nonzero slope (your first answer): solve dL/dw = 0, which gives "
                                  "sum x_i y_i / sum x_i^2."),
                            (float(np.mean(np.array([10.1, 1.9, 3.4, 1.1]) / np.array([10, 2, 3.5, 1]))),
                             "The mean of the ratios y_i / x_i weighs every example equally; the least-squares w is "
                             "sum x_i y_i / sum x_i^2.")]),
    ],
    "test_sigmoid_unit_loss_grad": [
        Cases("loss", "the loss sum_i (y_i - sigma(X_i . w))^2", "sigmoid_unit_loss_grad", SIGMOID_CASES, part=0,
              part_names=("loss", "dw"), diagnose=_diagnose_sigmoid_loss, weight=1.0),
        Cases("dw", "the gradient -2 X^T (delta * sigma * (1 - sigma))", "sigmoid_unit_loss_grad", SIGMOID_CASES,
              part=1, part_names=("loss", "dw"), diagnose=_diagnose_sigmoid_grad, weight=2.0),
        NoLoops("no_loops", "sigmoid_unit_loss_grad uses no Python loops", "sigmoid_unit_loss_grad",
                requires=["dw"], weight=0.5),
    ],
    "test_svm_loss_grad": _linear_checks("svm_loss_grad"),
    "test_softmax_loss_grad": _linear_checks("softmax_loss_grad", SOFTMAX_STABLE_CASES),
    "test_q_learning_rate": [
        Answer("curves", "which learning rate produced which loss curve",
               ["curve_explodes", "curve_slow", "curve_plateau"]),
    ],
    "test_train_linear_classifier": [
        _bowl_check("calls", "W has shape (D, C) with C = max(y) + 1; one loss_grad call and one recorded loss per "
                    "iteration", _judge_calls, weight=1.0),
        _bowl_check("batch_size", "every minibatch has batch_size rows", _judge_batch_size, weight=1.0),
        _bowl_check("batch_rows", "X_batch holds rows of X and y_batch their labels", _judge_batch_rows, weight=1.0),
        _bowl_check("resampled", "a new random minibatch at every iteration", _judge_resampled, weight=1.5),
        _bowl_check("init", "W starts small and random", _judge_init, weight=1.0),
        _bowl_check("reg_passed", "reg is passed on to loss_grad", _judge_reg_passed, weight=0.5),
        _bowl_check("steps", "every step is W = W - learning_rate * dW, and the final W is returned", _judge_steps,
                    weight=2.0, requires=["calls"]),
        _bowl_check("history", "loss_history[t] is the loss loss_grad returned at iteration t", _judge_history,
                    weight=1.0, requires=["calls"]),
        Custom("seed", "the same seed gives the same run, different seeds different ones", _observe_seeds,
               _judge_seeds, weight=1.5),
        Custom("converges", "converges to the known minimizer of a least-squares problem", _observe_converges,
               _judge_converges, weight=1.0),
        _bowl_check("inputs_unchanged", "X and y are left unchanged", _judge_inputs_unchanged, weight=0.5,
                    requires=["calls"]),
    ],
}
