"""Hidden checks for notebook 05, multilayer perceptrons.

Graded names (shapes as in the contract): the layers ``affine_forward(x, w, b)`` -> (out, cache) with x of shape
(N, d_1, ..., d_k) flattened to (N, D), and ``affine_backward(dout, cache)`` -> (dx, dw, db) with dx shaped like x;
``relu_forward(x)`` / ``relu_backward(dout, cache)``; the loss layers ``softmax_loss(scores, y)`` and
``svm_loss(scores, y)`` -> (loss, dscores), means over N without regularization; ``accuracy_from_scores(scores, y)``;
``TwoLayerNet`` (params W1 b1 W2 b2, ``loss(X, y=None)``, reg * sum(W * W) on both weight matrices); the update rules
``sgd``, ``sgd_momentum`` and ``adam`` with ``(w, dw, config=None) -> (next_w, config)`` and their state in config.
Then the short answers.

Most checks here run a short **scenario** twice: in the student's kernel with the student's names, and in the
grader with the reference's, on inputs both sides rebuild from a seed (a forward pass then a backward pass through
the student's own cache; a net whose params are set to the test's arrays; several update steps that pass the
returned config back in). The two results are compared. A layer's backward pass is therefore tested with the cache
its own forward pass made, whatever the student keeps in it, and the net with fixed parameters, whatever its
initialization. Initialization and training are judged on properties instead (shapes, zero biases, the spread of
the weights, determinism from the seed; the loss of a tiny problem after training with the student's sgd).

Inputs make the usual mistakes visible: nonzero biases (x @ (w + b)), image-shaped inputs (no reshape, or a reshape
of the caller's array in place), ReLU inputs of both signs, scores of size 1e4 in rows that differ by 1e4 (no shift,
or one global shift), a regularization strength large enough to dominate the loss, gradients of different sizes per
step, and two parameters updated in turn (state kept outside config).
"""
import math

import numpy as np

from .core import PASS, Answer, Check, Custom, ObservedError, compare_values, fail, float_array

# ---------------------------------------------------------------------------------------------------------------
# Scenarios: the same procedure with the student's names (kernel) and the reference's (judge).


def _student_names(namespace):
    def get(name):
        if name not in namespace:
            raise NameError(f"{name} is not defined: run its answer cell (and the cells above it) first")
        return namespace[name]
    return get


class Scenario(Check):
    """Run ``run(get)`` with ``get`` looking names up in the student's namespace, then with the reference's, and
    compare the results (nested tuples of numbers and arrays) within rtol / atol.

    what: how the result is named in messages, e.g. "affine_backward(dout, cache)".
    names: names of the elements of a tuple result ("dx", "dw", "db").
    diagnose: optional ``(got, expected, context) -> str or None`` explaining a mismatch in the student's terms.
    on_error: optional ``(ObservedError) -> str or None`` adding a hint when the student's code raised.
    """

    judges_errors = True

    def __init__(self, name, description, run, what, rtol=1e-6, atol=1e-8, names=None, diagnose=None,
                 on_error=None, weight=1.0, time_limit=20.0, requires=()):
        super().__init__(name, description, weight, time_limit, requires)
        self.run, self.what, self.rtol, self.atol = run, what, rtol, atol
        self.names, self.diagnose, self.on_error = names, diagnose, on_error

    def observe(self, namespace):
        return self.run(_student_names(namespace))

    def judge(self, observation, context):
        if isinstance(observation, ObservedError):
            hint = self.on_error(observation) if self.on_error else None
            return fail(f"{self.what} raised {observation.describe()}" + (f"\n{hint}" if hint else ""))
        expected = self.run(context.reference_function)
        problem = compare_values(observation, expected, self.what, self.rtol, self.atol, self.names)
        if problem is None:
            return PASS
        explanation = self.diagnose(observation, expected, context) if self.diagnose else None
        return fail(f"{problem}\n{explanation}" if explanation else problem)


def _pair(result, function, meaning):
    """``result`` as a 2-tuple, or a clear error naming what ``function`` must return."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"{function} must return a tuple {meaning}; it returned {type(result).__name__}")
    return tuple(result)


def _kept(name, description, run, fresh, requires):
    """A check that the arrays a scenario handed to student code are unchanged afterwards.

    run(get) -> {label: array after the call}; fresh() -> {label: array as built}.
    """
    def judge(observation, context):
        if not isinstance(observation, dict):
            return fail("could not read the arguments back after the call")
        changed = [label for label, before in fresh().items()
                   if not (np.shape(observation.get(label)) == before.shape
                           and np.array_equal(np.asarray(observation.get(label)), before))]
        if changed:
            return fail(f"{', '.join(changed)} changed during the call. Leave the caller's arrays alone: compute new "
                        "arrays (x = x - shift, x.reshape(...), np.maximum(0, x)) instead of writing into them "
                        "(x -= shift, x.shape = ..., x[x < 0] = 0).")
        return PASS

    return Custom(name, description, lambda namespace: run(_student_names(namespace)), judge, requires=requires)


# ---------------------------------------------------------------------------------------------------------------
# Comparing arrays inside diagnoses


def _matches(got, candidate, rtol=1e-5, atol=1e-7):
    got = float_array(got)
    candidate = np.asarray(candidate, dtype=np.float64)
    return (got is not None and got.shape == candidate.shape and np.all(np.isfinite(got))
            and np.allclose(got, candidate, rtol=rtol, atol=atol))


def _ratio(got, expected):
    """The constant c with got == c * expected, if there is one, else None."""
    got, expected = float_array(got), np.asarray(expected, dtype=np.float64)
    if got is None or got.shape != expected.shape or not np.all(np.isfinite(got)):
        return None
    significant = np.abs(expected) > 1e-9
    if not significant.any():
        return None
    c = float(np.median(got[significant] / expected[significant]))
    return c if np.allclose(got, c * expected, rtol=1e-5, atol=1e-9) else None


def _is_close(ratio, value):
    return ratio is not None and math.isclose(ratio, value, rel_tol=1e-5)


def _element(value, index):
    return value[index] if isinstance(value, (tuple, list)) and len(value) > index else None


# ---------------------------------------------------------------------------------------------------------------
# Affine layer


def _affine_problem(seed, example_shape, num_outputs, num_examples, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((num_examples,) + example_shape)
    w = rng.standard_normal((int(np.prod(example_shape)), num_outputs))
    b = rng.uniform(1.0, 3.0, num_outputs) * rng.choice([-1.0, 1.0], num_outputs)  # clearly nonzero biases
    return x.astype(dtype), w.astype(dtype), b.astype(dtype)


def _affine_rows():
    return _affine_problem(501, (5,), 3, 4)


def _affine_images():
    return _affine_problem(502, (4, 5, 2), 6, 3)


def _affine_float32():
    return _affine_problem(503, (3, 3), 4, 5, np.float32)


def _upstream(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape)


def _affine_forward_out(inputs):
    def run(get):
        out, _ = _pair(get("affine_forward")(*inputs()), "affine_forward", "(out, cache)")
        return out
    return run


def _diagnose_affine_forward(inputs):
    def diagnose(got, expected, context):
        x, w, b = inputs()
        reference = context.reference_function("affine_forward")
        if _matches(got, reference(x, w, np.zeros_like(b))[0]):
            return "out is missing the bias: add b to every row (x @ w + b)."
        if _matches(got, reference(x, w + b, np.zeros_like(b))[0]):
            return "b was added to the weights (x @ (w + b)); the bias is added after the product: x @ w + b."
        if _matches(got, reference(x, w, -b)[0]):
            return "b was subtracted; the layer computes x @ w + b."
        return None
    return diagnose


def _reshape_hint(error):
    if "matmul" in error.message or "shapes" in error.message or "align" in error.message:
        return ("For x of shape (N, d_1, ..., d_k), first flatten each example into a row: "
                "x.reshape(x.shape[0], -1) has shape (N, D).")
    return None


def _affine_backward_grads(inputs, dout_seed):
    def run(get):
        x, w, b = inputs()
        _, cache = _pair(get("affine_forward")(x, w, b), "affine_forward", "(out, cache)")
        dout = _upstream(dout_seed, (x.shape[0], w.shape[1])).astype(x.dtype)
        grads = get("affine_backward")(dout, cache)
        if not isinstance(grads, (tuple, list)) or len(grads) != 3:
            raise TypeError(f"affine_backward must return a tuple (dx, dw, db); it returned {type(grads).__name__}")
        return tuple(grads)
    return run


def _diagnose_affine_backward(inputs):
    def diagnose(got, expected, context):
        x, w, b = inputs()
        dx, dw, db = (_element(got, i) for i in range(3))
        hints = []
        if dx is not None and np.shape(dx) != x.shape and np.size(dx) == x.size:
            hints.append(f"dx has shape {np.shape(dx)}: give it x's shape {x.shape} (dx.reshape(x.shape)).")
        if dw is not None and np.shape(dw) == expected[1].T.shape and _matches(np.transpose(dw), expected[1]):
            hints.append("dw is transposed: rows.T @ dout has w's shape (D, M).")
        if db is not None and _ratio(db, expected[2]) is not None:
            c = _ratio(db, expected[2])
            if math.isclose(c * x.shape[0], 1.0, rel_tol=1e-6):
                hints.append("db is the mean of dout over the examples; b is added to every example, so its "
                             "gradient is the sum over the N rows.")
        if db is not None and np.shape(db) != b.shape:
            hints.append(f"db has shape {np.shape(db)}: sum dout over the examples (axis 0) to get shape {b.shape}.")
        signs = [name for name, value, right in (("dx", dx, expected[0]), ("dw", dw, expected[1]))
                 if value is not None and _is_close(_ratio(value, right), -1.0)]
        if signs:
            hints.append(f"{' and '.join(signs)} {'has' if len(signs) == 1 else 'have'} the wrong sign.")
        return " ".join(hints) or None
    return diagnose


def _affine_forward_kept(get):
    x, w, b = _affine_images()
    get("affine_forward")(x, w, b)
    return {"x": x, "w": w, "b": b}


def _affine_forward_fresh():
    x, w, b = _affine_images()
    return {"x": x, "w": w, "b": b}


def _backward_kept(layer, make_inputs, labels, make_upstream):
    """A check that ``<layer>_backward`` leaves dout and the arrays in its cache as they were.

    The forward pass runs first (a forward pass that changes its inputs is the forward check's business): the inputs
    are copied after it, and compared with themselves after the backward pass.
    """
    forward, backward = f"{layer}_forward", f"{layer}_backward"

    def observe(namespace):
        get = _student_names(namespace)
        inputs = make_inputs()
        _, cache = _pair(get(forward)(*inputs), forward, "(out, cache)")
        before = tuple(np.array(value, copy=True) for value in inputs)
        dout = make_upstream()
        get(backward)(dout, cache)
        return {"dout": dout, "inputs": tuple(inputs), "before": before}

    def judge(observation, context):
        try:
            dout, inputs, before = observation["dout"], observation["inputs"], observation["before"]
        except (TypeError, KeyError):
            return fail("could not read the arguments back after the call")
        fresh = make_upstream()
        changed = [] if np.shape(dout) == fresh.shape and np.array_equal(dout, fresh) else ["dout"]
        changed += [label for label, now, then in zip(labels, inputs, before)
                    if not (np.shape(now) == np.shape(then) and np.array_equal(now, then))]
        if changed:
            return fail(f"{backward} changed {', '.join(changed)} in place. The upstream gradient and the cached "
                        "inputs may be used again (by another branch, or another backward pass): compute new arrays "
                        "(dx = dout * mask) instead of writing into them (dout[mask] = 0).")
        return PASS

    return Custom("inputs_kept", f"dout and the cached {', '.join(labels)} are left unchanged", observe, judge,
                  requires=["values" if layer == "relu" else "images"])


def _affine_dout():
    x, w, _ = _affine_images()
    return _upstream(512, (x.shape[0], w.shape[1]))


# ---------------------------------------------------------------------------------------------------------------
# ReLU layer


def _relu_input(seed=511, shape=(4, 3, 5), dtype=np.float64):
    x = np.random.default_rng(seed).standard_normal(shape)
    x.flat[::7] = 0.0  # exact zeros: ReLU(0) = 0
    return x.astype(dtype)


def _relu_backward_inputs(seed=513, shape=(5, 4, 3)):
    rng = np.random.default_rng(seed)
    # Inputs at least 0.1 away from the kink at 0, where both 0 and 1 are valid local gradients.
    x = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.1, 2.0, shape)
    return x, rng.standard_normal(shape)


def _relu_forward_out(make_x):
    def run(get):
        out, _ = _pair(get("relu_forward")(make_x()), "relu_forward", "(out, cache)")
        return out
    return run


def _diagnose_relu_forward(got, expected, context):
    x = _relu_input()
    if _matches(got, np.minimum(x, 0)):
        return "These are the negative parts; ReLU keeps the positive ones: max(0, x)."
    if _matches(got, np.abs(x)):
        return "Negative inputs were flipped to positive; ReLU sets them to 0."
    return None


def _relu_backward_dx(get):
    x, dout = _relu_backward_inputs()
    _, cache = _pair(get("relu_forward")(x), "relu_forward", "(out, cache)")
    return get("relu_backward")(dout, cache)


def _diagnose_relu_backward(got, expected, context):
    x, dout = _relu_backward_inputs()
    forward, backward = context.reference_function("relu_forward"), context.reference_function("relu_backward")
    if _matches(got, backward(dout, forward(dout)[1])):
        return ("The mask follows the sign of dout; it must follow the sign of the layer's input x "
                "(the gradient passes where x > 0).")
    if _matches(got, dout):
        return "dout was passed through unchanged: zero it where the input x was not positive."
    if _matches(got, backward(np.ones_like(dout), forward(x)[1])):
        return "This is the local gradient alone (1 where x > 0): multiply it by the upstream gradient dout."
    if _matches(got, forward(x)[0]):
        return "This is the forward output max(0, x); backward returns dout where x > 0 and 0 elsewhere."
    if _matches(got, dout * (x < 0)):
        return "The gradient passes where x < 0; it should pass where x > 0."
    return None


def _relu_forward_kept(get):
    x = _relu_input()
    get("relu_forward")(x)
    return {"x": x}




# ---------------------------------------------------------------------------------------------------------------
# Loss layers


def _lecture_table():
    return np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]]), np.array([0, 1, 2])


def _random_scores(seed=521, num_examples=7, num_classes=5, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (2 * rng.standard_normal((num_examples, num_classes))).astype(dtype), rng.integers(0, num_classes,
                                                                                             num_examples)


def _huge_scores():
    # Rows whose maxima differ by 2e4: exp overflows without a shift, and one global shift underflows a whole row.
    scores = np.array([[1e4, 0.0, -1e4, 5e3], [-1e4, -1e4 + 2.0, -2e4, -1.5e4], [3e3, 3e3 + 1.0, 2999.0, -3e3]])
    return scores, np.array([0, 1, 1])


def _float32_scores():
    return _random_scores(522, 6, 4, np.float32)


def _loss_run(function, inputs):
    def run(get):
        return _pair(get(function)(*inputs()), function, "(loss, dscores)")
    return run


def _one_hot(y, num_classes):
    return np.eye(num_classes)[y]


def _diagnose_loss(inputs, function):
    def diagnose(got, expected, context):
        scores, y = inputs()
        num_examples, num_classes = scores.shape
        loss, dscores = _element(got, 0), _element(got, 1)
        hints = []
        loss_ratio = _ratio(loss, expected[0]) if loss is not None else None
        if _is_close(loss_ratio, num_examples):
            hints.append("The loss is the sum over the examples; divide by N for the mean.")
        if _is_close(loss_ratio, 1 / math.log(10)):
            hints.append("The loss uses log base 10; use the natural log, np.log.")
        if function == "svm_loss" and loss is not None and _matches(np.asarray(loss) - 1.0, expected[0]):
            hints.append("The loss is 1 too large: the sum over classes must skip j = y_i (each example would "
                         "otherwise add max(0, s_y - s_y + 1) = 1).")
        dscores_ratio = _ratio(dscores, expected[1]) if dscores is not None else None
        if _is_close(dscores_ratio, num_examples):
            hints.append("dscores is missing the factor 1/N of the mean.")
        if _is_close(dscores_ratio, -1.0):
            hints.append("dscores has the wrong sign.")
        correct = _one_hot(y, num_classes).astype(bool)
        missing_one = expected[1] + correct / num_examples
        if function == "softmax_loss" and dscores is not None and _matches(dscores, missing_one):
            hints.append("dscores is missing the -1 at the correct class: the gradient is (p_j - [j = y_i]) / N.")
        if (function == "svm_loss" and dscores is not None and np.shape(dscores) == scores.shape
                and _matches(np.asarray(dscores)[~correct], expected[1][~correct])
                and not _matches(dscores, expected[1])):
            hints.append("The gradient is wrong only at the correct classes: dscores[i, y_i] is minus the number of "
                         "classes with a positive margin in row i, divided by N.")
        loss_array = float_array(loss) if loss is not None else None
        if function == "softmax_loss" and loss_array is not None and not np.all(np.isfinite(loss_array)):
            hints.append("Shift each row by its own maximum before np.exp (a single global maximum can leave a whole "
                         "row at exp(-20000) = 0, and log(0) = -inf).")
        return " ".join(hints) or None
    return diagnose


def _loss_kept(function, inputs):
    def run(get):
        scores, y = inputs()
        get(function)(scores, y)
        return {"scores": scores, "y": y}
    return run


def _loss_fresh(inputs):
    def fresh():
        scores, y = inputs()
        return {"scores": scores, "y": y}
    return fresh


def _loss_checks(function):
    """The checks shared by the two loss layers (lecture table, random, float32, no mutation)."""
    tolerance = {"rtol": 1e-6, "atol": 1e-9, "names": ["loss", "dscores"]}
    return [
        Scenario("lecture_table", "the lecture's three examples (loss and dscores)",
                 _loss_run(function, _lecture_table), f"{function}(scores, y)",
                 diagnose=_diagnose_loss(_lecture_table, function), weight=2, **tolerance),
        Scenario("random_scores", "7 examples, 5 classes, random scores (loss and dscores)",
                 _loss_run(function, _random_scores), f"{function}(scores, y)",
                 diagnose=_diagnose_loss(_random_scores, function), weight=2, **tolerance),
        Scenario("float32", "float32 scores give the same loss and gradient",
                 _loss_run(function, _float32_scores), f"{function}(scores, y) with float32 scores",
                 rtol=1e-4, atol=1e-6, names=["loss", "dscores"], requires=["random_scores"]),
        _kept("scores_kept", "scores and y are left unchanged", _loss_kept(function, _random_scores),
              _loss_fresh(_random_scores), requires=["random_scores"]),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Accuracy


def _accuracy_inputs():
    rng = np.random.default_rng(531)
    return rng.standard_normal((40, 6)), rng.integers(0, 6, 40)


def _accuracy_run(get):
    scores, y = _accuracy_inputs()
    return get("accuracy_from_scores")(scores, y)


def _accuracy_hint(error):
    if "broadcast" in error.message or "shape" in error.message:
        return ("The predictions need one entry per example: take the argmax across each row, "
                "np.argmax(scores, axis=1), which has shape (N,).")
    return None


def _diagnose_accuracy(got, expected, context):
    ratio = _ratio(got, expected)
    if ratio is not None and math.isclose(ratio, 100.0):
        return "That is a percentage; return a fraction between 0 and 1."
    if ratio is not None and math.isclose(ratio, 40.0):
        return "That is the number of correct predictions; divide by N for the share."
    scores, y = _accuracy_inputs()
    if _matches(got, np.mean(np.argmin(scores, axis=1) == y)):
        return "Predictions were the lowest scores (argmin); the predicted class has the highest score."
    return None


# ---------------------------------------------------------------------------------------------------------------
# TwoLayerNet


def _net_params(seed, input_dim, hidden_dim, num_classes):
    rng = np.random.default_rng(seed)
    return {"W1": 0.5 * rng.standard_normal((input_dim, hidden_dim)), "b1": rng.standard_normal(hidden_dim),
            "W2": 0.5 * rng.standard_normal((hidden_dim, num_classes)), "b2": rng.standard_normal(num_classes)}


def _net_data(seed, num_examples, input_dim, num_classes):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((num_examples, input_dim)), rng.integers(0, num_classes, num_examples)


NET_SHAPE = (6, 5, 4)  # input_dim, hidden_dim, num_classes
PARAM_NAMES = ("W1", "b1", "W2", "b2")
STRONG_REG = 0.5
LOSS_AND_GRAD_NAMES = ["loss"] + [f"grads[{name!r}]" for name in PARAM_NAMES]


def _net_with(get, reg, params_seed=541):
    """The student's (or reference) TwoLayerNet of NET_SHAPE with reg, its params set to the test's arrays."""
    net = get("TwoLayerNet")(*NET_SHAPE, reg=reg)
    if not isinstance(getattr(net, "params", None), dict):
        raise TypeError("TwoLayerNet must keep its parameters in a dict self.params")
    net.params.update(_net_params(params_seed, *NET_SHAPE))
    return net


def _scores_run(get):
    net = _net_with(get, 0.0)
    X, _ = _net_data(542, 8, NET_SHAPE[0], NET_SHAPE[2])
    return net.loss(X)


def _diagnose_scores(got, expected, context):
    params = _net_params(541, *NET_SHAPE)
    X, _ = _net_data(542, 8, NET_SHAPE[0], NET_SHAPE[2])
    affine, relu = context.reference_function("affine_forward"), context.reference_function("relu_forward")
    hidden_input = affine(X, params["W1"], params["b1"])[0]
    if _matches(got, affine(hidden_input, params["W2"], params["b2"])[0]):
        return "The scores skip the ReLU: apply relu_forward between the two affine layers."
    if _matches(got, relu(expected)[0]):
        return "A ReLU was applied to the scores too; the second affine layer's output is the scores as they are."
    if isinstance(got, tuple):
        return "With y=None, loss must return the scores alone (not a tuple)."
    return ("Compare your forward pass with affine - ReLU - affine, reading the weights from self.params (the test "
            "sets self.params to its own arrays).")


def _loss_grads_run(reg):
    def run(get):
        net = _net_with(get, reg)
        X, y = _net_data(543, 9, NET_SHAPE[0], NET_SHAPE[2])
        loss, grads = _pair(net.loss(X, y), "TwoLayerNet.loss(X, y)", "(loss, grads)")
        if not isinstance(grads, dict) or sorted(grads) != sorted(PARAM_NAMES):
            keys = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise KeyError(f"grads must be a dict with the keys W1, b1, W2, b2 (like params); got {keys}")
        return (loss,) + tuple(grads[name] for name in PARAM_NAMES)
    return run


def _reference_net_result(context, reg):
    return _loss_grads_run(reg)(context.reference_function)


def _diagnose_regularized_loss(got, expected, context):
    loss = _element(got, 0)
    if loss is None or float_array(loss) is None or float_array(loss).shape != ():
        return None
    data_loss = float(_reference_net_result(context, 0.0)[0])
    params = _net_params(541, *NET_SHAPE)
    squares = {name: float(np.sum(params[name] ** 2)) for name in PARAM_NAMES}
    added = float(loss) - data_loss
    candidates = [
        (0.0, "The loss has no regularization: add reg * (sum(W1 * W1) + sum(W2 * W2))."),
        (0.5 * STRONG_REG * (squares["W1"] + squares["W2"]),
         "The regularization is halved (0.5 * reg * ...); this course uses reg * sum(W * W), without the 1/2."),
        (STRONG_REG * sum(squares.values()), "The biases are regularized too; only W1 and W2 are."),
        (STRONG_REG * squares["W1"], "Only W1 is regularized; add reg * sum(W2 * W2) as well."),
        (STRONG_REG * squares["W2"], "Only W2 is regularized; add reg * sum(W1 * W1) as well."),
        (STRONG_REG * (np.sum(np.abs(params["W1"])) + np.sum(np.abs(params["W2"]))),
         "That is L1 regularization (absolute values); this course uses L2: reg * sum(W * W)."),
    ]
    for value, message in candidates:
        if math.isclose(added, value, rel_tol=1e-5, abs_tol=1e-8):
            return message
    if math.isclose(added, float(expected[0]) - data_loss, rel_tol=1e-5):
        return None
    return "Check the data loss first (it must match with reg = 0), then the regularization term."


def _diagnose_regularized_grads(got, expected, context):
    if not isinstance(got, tuple) or len(got) != 5:
        return None
    unregularized = _reference_net_result(context, 0.0)
    params = _net_params(541, *NET_SHAPE)
    hints = []
    for index, name in ((1, "W1"), (3, "W2")):
        extra = float_array(got[index])
        if extra is None or extra.shape != params[name].shape:
            continue
        extra = extra - unregularized[index]
        if _matches(extra, 0 * params[name]):
            hints.append(f"grads[{name!r}] has no regularization term: add 2 * reg * {name}.")
        elif _matches(extra, STRONG_REG * params[name]):
            hints.append(f"grads[{name!r}] adds reg * {name}; the derivative of reg * {name}**2 is 2 * reg * {name}.")
    for index, name in ((2, "b1"), (4, "b2")):
        if _matches(got[index], np.asarray(unregularized[index]) + 2 * STRONG_REG * params[name]):
            hints.append(f"grads[{name!r}] includes a regularization term; biases are not regularized.")
    return " ".join(hints) or None


def _training_problem():
    """30 points of 3 well separated classes in 6 dimensions."""
    rng = np.random.default_rng(551)
    centers = 2.0 * rng.standard_normal((3, 6))
    y = np.repeat(np.arange(3), 10)
    return centers[y] + 0.3 * rng.standard_normal((30, 6)), y


TRAINING_STEPS = 150
TRAINING_LEARNING_RATE = 0.5
TRAINED_LOSS_BELOW = 0.01


def _observe_training(namespace):
    get = _student_names(namespace)
    X, y = _training_problem()
    net = get("TwoLayerNet")(6, 20, 3, weight_scale=0.1, reg=0.0, seed=0)
    update = get("sgd")
    configs = {name: {"learning_rate": TRAINING_LEARNING_RATE} for name in net.params}
    losses = []
    for _ in range(TRAINING_STEPS):
        loss, grads = net.loss(X, y)
        losses.append(float(loss))
        for name in list(net.params):
            net.params[name], configs[name] = update(net.params[name], grads[name], configs[name])
    losses.append(float(net.loss(X, y)[0]))
    return losses


def _judge_training(losses, context):
    losses = float_array(losses)
    if losses is None or losses.ndim != 1 or len(losses) != TRAINING_STEPS + 1:
        return fail("the training run did not record its losses")
    if not np.all(np.isfinite(losses)):
        return fail(f"the loss became {losses[~np.isfinite(losses)][0]} during training: check the signs in sgd and "
                    "in your gradients (a step must go downhill)")
    if losses[-1] >= TRAINED_LOSS_BELOW:
        return fail(f"after {TRAINING_STEPS} full-batch sgd steps (learning rate {TRAINING_LEARNING_RATE}) on 30 "
                    f"easy points the loss went from {losses[0]:.3g} to {losses[-1]:.3g}; a working net gets below "
                    f"{TRAINED_LOSS_BELOW}. Check that sgd steps against the gradient and that every gradient of "
                    "TwoLayerNet.loss passes its check.")
    return PASS


def _init_nets(get, seed=3, weight_scale=0.02):
    return get("TwoLayerNet")(50, 40, 7, weight_scale=weight_scale, reg=0.0, seed=seed)


def _observe_init_params(namespace):
    return dict(_init_nets(_student_names(namespace)).params)


def _judge_shapes(params, context):
    expected = {"W1": (50, 40), "b1": (40,), "W2": (40, 7), "b2": (7,)}
    if not isinstance(params, dict) or sorted(params) != sorted(expected):
        keys = sorted(params) if isinstance(params, dict) else params
        return fail(f"params must have exactly the keys W1, b1, W2, b2; got {keys}")
    wrong = [f"{name} has shape {np.shape(params[name])}, expected {shape}" for name, shape in expected.items()
             if np.shape(params[name]) != shape]
    if wrong:
        return fail("for TwoLayerNet(50, 40, 7): " + "; ".join(wrong) + ". W1 is (D, H), W2 is (H, C).")
    return PASS


def _judge_zero_biases(params, context):
    nonzero = [name for name in ("b1", "b2") if not isinstance(params, dict)
               or float_array(params.get(name)) is None or np.any(float_array(params[name]))]
    if nonzero:
        return fail(f"{' and '.join(nonzero)} should start at zero (np.zeros)")
    return PASS


def _judge_weight_scale(params, context, weight_scale=0.02):
    problems = []
    for name in ("W1", "W2"):
        weights = float_array(params.get(name)) if isinstance(params, dict) else None
        if weights is None or weights.size < 2:
            return fail(f"{name} is missing or not an array")
        std, mean = float(weights.std()), float(weights.mean())
        if not 0.5 * weight_scale <= std <= 1.5 * weight_scale:
            problems.append(f"{name} has standard deviation {std:.3g}, expected about weight_scale = {weight_scale}")
        elif abs(mean) > 0.25 * weight_scale:
            problems.append(f"{name} has mean {mean:.3g}; draw weights centred on 0")
    if problems:
        return fail("; ".join(problems) + ". Draw weight_scale * rng.standard_normal(shape).")
    return PASS


def _observe_seeding(namespace):
    get = _student_names(namespace)
    return (_init_nets(get, seed=3).params["W1"], _init_nets(get, seed=3).params["W1"],
            _init_nets(get, seed=4).params["W1"])


def _judge_seeding(observation, context):
    first, again, other = (float_array(value) for value in observation)
    if first is None or again is None or other is None:
        return fail("W1 could not be read")
    if first.shape != again.shape or not np.array_equal(first, again):
        return fail("two nets built with the same seed have different W1: draw from rng = "
                    "np.random.default_rng(seed), not from np.random without a seed")
    if first.shape == other.shape and np.array_equal(first, other):
        return fail("nets built with seeds 3 and 4 have the same W1: use the seed argument")
    return PASS


# ---------------------------------------------------------------------------------------------------------------
# Update rules


def _rule_weights(seed, shape=(3, 4)):
    return np.random.default_rng(seed).standard_normal(shape)


def _rule_gradients(seed, num_steps, shape=(3, 4)):
    """Gradients that change from step to step, of sizes from about 0.1 to 5."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) * rng.uniform(0.1, 5.0, shape) for _ in range(num_steps)]


def _steps_run(rule, config, num_steps, seed, then_pass_config=True):
    """Trajectory of w over num_steps calls of ``rule``, passing back the returned config.

    config: the first call's config (a dict, copied, or None for the defaults).
    """
    def run(get):
        update = get(rule)
        w = _rule_weights(seed)
        current = None if config is None else dict(config)
        trajectory = []
        for dw in _rule_gradients(seed + 1, num_steps):
            w, current = _pair(update(w, dw, current), rule, "(next_w, config)")
            if not isinstance(current, dict):
                raise TypeError(f"{rule} must return its config dict as the second element; got "
                                f"{type(current).__name__}")
            trajectory.append(np.array(w, dtype=np.float64, copy=True))
        return tuple(trajectory)
    return run


def _interleaved_run(rule, config):
    """Two parameters of different shapes updated in turn, each with its own config: the state must not mix."""
    def run(get):
        update = get(rule)
        weights = {"a": _rule_weights(561, (2, 3)), "b": _rule_weights(562, (4,))}
        configs = {"a": None if config is None else dict(config), "b": None if config is None else dict(config)}
        gradients = {"a": _rule_gradients(563, 3, (2, 3)), "b": _rule_gradients(564, 3, (4,))}
        trajectory = []
        for step in range(3):
            for name in ("a", "b"):
                weights[name], configs[name] = _pair(update(weights[name], gradients[name][step], configs[name]),
                                                     rule, "(next_w, config)")
                trajectory.append(np.array(weights[name], dtype=np.float64, copy=True))
        return tuple(trajectory)
    return run


def _state_run(rule, keys, num_steps=3):
    def run(get):
        update = get(rule)
        w, config = _rule_weights(571), None
        for dw in _rule_gradients(572, num_steps):
            w, config = _pair(update(w, dw, config), rule, "(next_w, config)")
        missing = [key for key in keys if not isinstance(config, dict) or key not in config]
        if missing:
            raise KeyError(f"after {num_steps} steps the config has no {', '.join(map(repr, missing))}; the contract "
                           f"keeps the state in config[{keys[0]!r}]" + (", ..." if len(keys) > 1 else ""))
        return tuple(float(config[key]) if key == "t" else np.asarray(config[key], dtype=np.float64)
                     for key in keys)
    return run


def _step_names(num_steps):
    return [f"w after step {k}" for k in range(1, num_steps + 1)]


def _diagnose_steps(rule, seed, num_steps, config):
    def diagnose(got, expected, context):
        if not isinstance(got, tuple) or len(got) != num_steps:
            return None
        w0 = _rule_weights(seed)
        dws = _rule_gradients(seed + 1, num_steps)
        first_right = _matches(got[0], expected[0], rtol=1e-6, atol=1e-9)
        step_ratio = _ratio(np.asarray(got[0]) - w0, np.asarray(expected[0]) - w0)
        if step_ratio is not None and math.isclose(step_ratio, -1.0, rel_tol=1e-4):
            return "The first step goes uphill: step against the gradient."
        if rule == "adam":
            if not all(np.all(np.isfinite(float_array(w))) for w in got if float_array(w) is not None):
                return ("Some weights are NaN or inf. With t = 0 the bias correction divides by 1 - beta**0 = 0: "
                        "increment t before using it, so that the first step uses t = 1.")
            uncorrected = _steps_run(rule, dict(config or {}, t=10**9), num_steps, seed)(
                context.reference_function)
            if _matches(got[0], uncorrected[0], rtol=1e-6, atol=1e-9):
                return ("The steps match Adam without bias correction: divide m by 1 - beta1**t and v by "
                        "1 - beta2**t, with t counted from 1.")
        momentum = (config or {}).get("momentum", 0.9)
        if rule == "sgd_momentum" and _is_close(step_ratio, 1 + momentum):
            return ("The first step is 1 + momentum times the expected one, as in Nesterov momentum (a look-ahead "
                    "step). The contract uses classical momentum: v = momentum * v - learning_rate * dw; w + v.")
        if step_ratio is not None and not first_right:
            return (f"The first step is {step_ratio:.4g} times the expected one: check the learning rate "
                    "(and its default when config is None).")
        if first_right and num_steps > 1:
            learning_rate = (config or {}).get("learning_rate", 1e-2)
            if rule == "sgd_momentum" and _matches(np.asarray(got[1]) - np.asarray(got[0]), -learning_rate * dws[1]):
                return ("The first step is right but the next ones are plain SGD steps: the velocity must carry "
                        "over between calls. Store it in config['velocity'] and read it back on the next call.")
            return ("The first step is right but a later one is not: the state (velocity; m, v, t) must be read "
                    "from the config you are given and stored back into the config you return.")
        return None
    return diagnose


SHARED_STATE_HINT = ("Every parameter has its own config, and its state must stay in it: read the state from the "
                     "config you are given and store it back into the config you return, never in a global variable "
                     "or an attribute of the function.")


def _rule_checks(rule, explicit_config, state_keys, num_steps):
    names = _step_names(num_steps)
    default_names = _step_names(3)
    checks = [
        Scenario("explicit_config", f"{num_steps} steps with config {explicit_config}, passing the config back",
                 _steps_run(rule, explicit_config, num_steps, 581), f"{rule}(w, dw, config)", rtol=1e-6, atol=1e-10,
                 names=names, diagnose=_diagnose_steps(rule, 581, num_steps, explicit_config), weight=2),
        Scenario("defaults", "with config=None: the contract's defaults, then 2 more steps",
                 _steps_run(rule, None, 3, 591), f"{rule}(w, dw)", rtol=1e-6, atol=1e-10, names=default_names,
                 diagnose=_diagnose_steps(rule, 591, 3, None)),
    ]
    if num_steps > 1:
        checks.append(Scenario("separate_state", "two parameters updated in turn keep separate state (in config)",
                               _interleaved_run(rule, explicit_config), f"{rule} on two parameters in turn",
                               rtol=1e-6, atol=1e-10, requires=["explicit_config"],
                               names=[f"parameter {p}, step {k}" for k in (1, 2, 3) for p in ("a", "b")],
                               diagnose=lambda got, expected, context: SHARED_STATE_HINT,
                               on_error=lambda error: SHARED_STATE_HINT))
    if state_keys:
        checks.append(Scenario("state_in_config", f"the state is kept in config: {', '.join(state_keys)}",
                               _state_run(rule, state_keys), f"config after 3 {rule} steps", rtol=1e-6, atol=1e-10,
                               names=[f"config[{key!r}]" for key in state_keys], requires=["explicit_config"]))
    return checks


# ---------------------------------------------------------------------------------------------------------------
# The hidden checks of every test cell

TESTS = {
    "test_affine_forward": [
        Scenario("rows", "x of shape (N, D) with nonzero biases", _affine_forward_out(_affine_rows),
                 "out from affine_forward(x, w, b)", diagnose=_diagnose_affine_forward(_affine_rows), weight=2),
        Scenario("images", "x of shape (N, d_1, d_2, d_3) is flattened to (N, D)", _affine_forward_out(_affine_images),
                 "out from affine_forward(x, w, b)", diagnose=_diagnose_affine_forward(_affine_images),
                 on_error=_reshape_hint, weight=2),
        Scenario("float32", "float32 inputs give the same output", _affine_forward_out(_affine_float32),
                 "out from affine_forward(x, w, b) with float32 inputs", rtol=1e-4, atol=1e-5, requires=["rows"]),
        _kept("inputs_kept", "x, w and b are left unchanged (also x's shape)", _affine_forward_kept,
              _affine_forward_fresh, requires=["images"]),
    ],
    "test_affine_backward": [
        Scenario("rows", "dx, dw, db for x of shape (N, D)", _affine_backward_grads(_affine_rows, 512),
                 "affine_backward(dout, cache)", names=["dx", "dw", "db"],
                 diagnose=_diagnose_affine_backward(_affine_rows), weight=3),
        Scenario("images", "dx has x's shape (N, d_1, d_2, d_3); dw, db for image-shaped x",
                 _affine_backward_grads(_affine_images, 512), "affine_backward(dout, cache)",
                 names=["dx", "dw", "db"], diagnose=_diagnose_affine_backward(_affine_images), on_error=_reshape_hint,
                 weight=3),
        Scenario("float32", "float32 inputs give the same gradients", _affine_backward_grads(_affine_float32, 514),
                 "affine_backward(dout, cache) with float32 inputs", rtol=1e-4, atol=1e-5, names=["dx", "dw", "db"],
                 requires=["rows"]),
        _backward_kept("affine", _affine_images, ("x", "w", "b"), _affine_dout),
    ],
    "test_relu_forward": [
        Scenario("values", "max(0, x) on a 3-D array with both signs and exact zeros", _relu_forward_out(_relu_input),
                 "out from relu_forward(x)", diagnose=_diagnose_relu_forward, weight=2),
        Scenario("float32", "float32 input", _relu_forward_out(lambda: _relu_input(515, (6, 4), np.float32)),
                 "out from relu_forward(x) with float32 x", rtol=1e-6, requires=["values"]),
        _kept("input_kept", "x is left unchanged", _relu_forward_kept, lambda: {"x": _relu_input()},
              requires=["values"]),
    ],
    "test_relu_backward": [
        Scenario("values", "dout routed where x > 0, through the cache of your relu_forward", _relu_backward_dx,
                 "dx from relu_backward(dout, cache)", diagnose=_diagnose_relu_backward, weight=3),
        _backward_kept("relu", lambda: _relu_backward_inputs()[:1], ("x",), lambda: _relu_backward_inputs()[1]),
    ],
    "test_softmax_loss": _loss_checks("softmax_loss") + [
        Scenario("huge_scores", "finite and right for scores of size 1e4 in rows 2e4 apart",
                 _loss_run("softmax_loss", _huge_scores), "softmax_loss(scores, y) with scores of size 1e4",
                 rtol=1e-6, atol=1e-9, names=["loss", "dscores"], diagnose=_diagnose_loss(_huge_scores, "softmax_loss"),
                 weight=2, requires=["random_scores"]),
    ],
    "test_svm_loss": _loss_checks("svm_loss") + [
        Scenario("huge_scores", "right for scores of size 1e4", _loss_run("svm_loss", _huge_scores),
                 "svm_loss(scores, y) with scores of size 1e4", rtol=1e-6, atol=1e-9, names=["loss", "dscores"],
                 requires=["random_scores"]),
    ],
    "test_accuracy_from_scores": [
        Scenario("value", "accuracy of 40 random score rows", _accuracy_run, "accuracy_from_scores(scores, y)",
                 diagnose=_diagnose_accuracy, on_error=_accuracy_hint),
    ],
    "test_TwoLayerNet_init": [
        Custom("shapes", "params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)", _observe_init_params, _judge_shapes),
        Custom("zero_biases", "the biases start at zero", _observe_init_params, _judge_zero_biases,
               requires=["shapes"]),
        Custom("weight_scale", "the weights have mean 0 and standard deviation weight_scale", _observe_init_params,
               _judge_weight_scale, requires=["shapes"]),
        Custom("seeded", "the same seed gives the same net, another seed another one", _observe_seeding,
               _judge_seeding, requires=["shapes"]),
    ],
    "test_TwoLayerNet_scores": [
        Scenario("scores", "loss(X) without y: the scores of affine - ReLU - affine, for given params", _scores_run,
                 "TwoLayerNet.loss(X)", diagnose=_diagnose_scores),
    ],
    "test_TwoLayerNet_loss": [
        Scenario("no_reg", "reg = 0: loss and the gradients of W1, b1, W2, b2, for given params",
                 _loss_grads_run(0.0), "TwoLayerNet.loss(X, y)", names=LOSS_AND_GRAD_NAMES, weight=4),
        Scenario("reg_loss", f"reg = {STRONG_REG}: loss = data loss + reg * (sum(W1 * W1) + sum(W2 * W2))",
                 lambda get: _loss_grads_run(STRONG_REG)(get)[:1], "TwoLayerNet.loss(X, y)", names=["loss"],
                 diagnose=_diagnose_regularized_loss, weight=2),
        Scenario("reg_grads", f"reg = {STRONG_REG}: gradients include 2 * reg * W (weights only)",
                 _loss_grads_run(STRONG_REG), "TwoLayerNet.loss(X, y)",
                 names=LOSS_AND_GRAD_NAMES, diagnose=_diagnose_regularized_grads,
                 weight=2),
    ],
    "test_sgd": _rule_checks("sgd", {"learning_rate": 0.3}, (), 1),
    "test_sgd_momentum": _rule_checks("sgd_momentum", {"learning_rate": 0.1, "momentum": 0.8}, ("velocity",), 4),
    "test_adam": _rule_checks("adam", {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-8},
                              ("m", "v", "t"), 5),
    "test_TwoLayerNet_training": [
        Custom("tiny_problem", f"your TwoLayerNet trained with your sgd ({TRAINING_STEPS} steps) fits 30 easy points",
               _observe_training, _judge_training, time_limit=60.0),
    ],
    "test_q_mlp_linear_collapse": [
        Answer("collapsed_rank", "the rank of a collapsed stack of linear layers", ["collapsed_rank"]),
    ],
    "test_q_mlp_sigmoid_saturation": [
        Answer("slope_max", "the largest slope of the sigmoid", ["sigmoid_slope_max"], rtol=1e-2),
        Answer("five_layers", "the factor after 5 sigmoids", ["five_sigmoids_factor"], rtol=1e-2, atol=1e-7),
    ],
    "test_q_mlp_parameter_count": [
        Answer("digits", "parameters of TwoLayerNet(64, 100, 10)", ["num_params_digits"], rtol=0, atol=0.5),
        Answer("cifar", "parameters of TwoLayerNet(3072, 100, 10)", ["num_params_cifar"], rtol=0, atol=0.5),
    ],
    "test_q_mlp_gradient_scale": [
        Answer("sgd", "sgd's step when gradients are 1000 times larger", ["sgd_scaled_step"]),
        Answer("adam", "adam's step when gradients are 1000 times larger", ["adam_scaled_step"]),
    ],
    "test_q_mlp_initialization": [
        Answer("tanh_init", "the initialization that keeps tanh activations spread", ["tanh_init_choice"]),
        Answer("small_init", "what too small weights do to deep activations", ["small_init_effect"]),
    ],
}
