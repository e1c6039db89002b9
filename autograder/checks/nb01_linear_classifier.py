"""Hidden checks for notebook 01, the linear classifier.

Graded functions (shapes as in the contract): ``add_bias_dimension(X)`` (N, D) -> (N, D + 1) with a trailing column of
ones; ``linear_scores(X, W, b)`` -> (N, C) = X @ W + b with W (D, C) and b (C,); ``predict_labels(scores)`` -> (N,)
integer argmax; ``accuracy(y_pred, y)`` -> float in [0, 1], where either label array may arrive as a column (N, 1).
Then the short answers: parameter counts, the geometry of one class's score, the template of a two-mode class, and
which toy datasets are linearly separable.

Inputs are chosen so that the usual mistakes are visible: N, D and C all differ (a transposed product raises), a
square case N == C lets a wrongly broadcast bias or an argmax over axis 0 run silently (the values then give it
away), non-integer values expose integer truncation, and all-negative scores expose a best score initialised at 0.
"""
import numpy as np

from .core import Compare, Custom, Unchanged, fail, PASS

# ---------------------------------------------------------------------------------------------------------------
# Inputs. Every function is deterministic (its own seeded generator), since the kernel and the judge both call it.


def _data(seed, num_examples, dim, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal((num_examples, dim)).astype(dtype)


def _bias_inputs():
    return (_data(101, 5, 3),)


def _bias_inputs_float32():
    return (_data(102, 4, 6, np.float32),)


def _bias_inputs_one_example():
    return (_data(103, 1, 7),)


def _scores_problem(seed, num_examples, dim, num_classes, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((num_examples, dim))
    W = rng.standard_normal((dim, num_classes))
    b = rng.uniform(1.0, 3.0, num_classes) * rng.choice([-1.0, 1.0], num_classes)  # clearly nonzero biases
    return X.astype(dtype), W.astype(dtype), b.astype(dtype)


def _scores_inputs():
    return _scores_problem(201, 6, 5, 4)


def _scores_inputs_square():
    # N == C, so a bias added along the wrong axis (b[:, None]) or a transposed result has the expected shape.
    return _scores_problem(202, 4, 3, 4)


def _scores_inputs_float32():
    return _scores_problem(203, 8, 7, 3, np.float32)


def _scores_inputs_one_example():
    return _scores_problem(204, 1, 6, 5)


def _label_scores(seed, num_examples, num_classes, shift=0.0, dtype=np.float64):
    scores = np.random.default_rng(seed).standard_normal((num_examples, num_classes)) + shift
    return (scores.astype(dtype),)


def _predict_inputs():
    return _label_scores(301, 9, 5)


def _predict_inputs_square():
    return _label_scores(302, 6, 6)


def _predict_inputs_negative():
    # Every score below zero: a search for the best score that starts at 0 never finds one.
    return _label_scores(303, 7, 4, shift=-10.0)


def _predict_inputs_float32():
    return _label_scores(304, 5, 3, dtype=np.float32)


def _accuracy_labels(seed=401, num_examples=20, num_classes=4, num_wrong=7):
    """Labels y (N,) and predictions y_pred (N,) that disagree on exactly num_wrong examples."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, num_classes, num_examples)
    y_pred = y.copy()
    wrong = rng.choice(num_examples, num_wrong, replace=False)
    y_pred[wrong] = (y[wrong] + rng.integers(1, num_classes, num_wrong)) % num_classes
    return y_pred, y


def _accuracy_inputs():
    return _accuracy_labels()


def _accuracy_inputs_y_column():
    y_pred, y = _accuracy_labels(402)
    return y_pred, y.reshape(-1, 1)


def _accuracy_inputs_pred_column():
    y_pred, y = _accuracy_labels(403)
    return y_pred.reshape(-1, 1), y


def _accuracy_inputs_all_wrong():
    y_pred, y = _accuracy_labels(404, num_examples=6, num_wrong=6)
    return y_pred.astype(np.int32), y


# ---------------------------------------------------------------------------------------------------------------
# Diagnoses: on a mismatch, recognise the common mistakes and say what to change. Each returns None when no
# known mistake matches, so the generic comparison message stands alone.


def _as_float_array(value):
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _matches(got, candidate):
    if got is None or candidate is None or got.shape != np.shape(candidate):
        return False
    return bool(np.allclose(got, candidate, rtol=1e-5, atol=1e-6))


def _diagnose_bias(got, expected, args, context):
    (X,) = args
    got = _as_float_array(got)
    if got is None:
        return None
    n, d = X.shape
    if got.shape == (n + 1, d):
        return ("You added a row of ones (one more example) instead of a column (one more feature per example): "
                "join along axis=1.")
    if got.shape == (n, d):
        return ("The result has X's shape, so a column of X was overwritten instead of a new column being added: "
                "the result needs D + 1 columns.")
    if got.shape != (n, d + 1):
        return None
    if _matches(got[:, 0], np.ones(n)) and _matches(got[:, 1:], X):
        return ("The column of ones comes first. The contract puts it last, so that b becomes the last row of the "
                "extended W: append the ones after X's columns.")
    if _matches(got[:, :d], X) and _matches(got[:, d], np.zeros(n)):
        return "The extra column holds zeros; the bias trick needs a constant 1 in it (np.ones, not np.zeros)."
    if _matches(got[:, :d], np.trunc(X)):
        return ("X's values were cut to whole numbers: the array you filled has an integer dtype. Create it with a "
                "float dtype (np.ones gives float64), or join X and a column of ones with np.hstack.")
    if _matches(got[:, :d], X):
        return "X's columns are right but the last column is not all ones."
    return None


def _diagnose_scores(got, expected, args, context):
    X, W, b = args
    got = _as_float_array(got)
    if got is None:
        return None
    without_bias = X @ W
    if _matches(got, without_bias):
        return "These are X @ W without the bias: add b (one value per class) to every row."
    if _matches(got, (without_bias + b).T) or _matches(got, without_bias.T + b[:, None]):
        return ("These are the scores transposed, (C, N) as in the notes' W x. Here each example is a row, so "
                "the scores are X @ W + b, of shape (N, C).")
    if _matches(got, _broadcast_sum(without_bias, b[:, None])):
        return ("b was added along the wrong axis: b[i] went to every score of example i. b[c] belongs to "
                "class c, so it must be added to column c: X @ W + b (b of shape (C,) broadcasts over the rows).")
    if _matches(got, without_bias - b):
        return "b was subtracted; the scores are X @ W + b."
    return None


def _broadcast_sum(a, b):
    """a + b, or None where numpy cannot broadcast the shapes."""
    try:
        return a + b
    except ValueError:
        return None


def _diagnose_labels(got, expected, args, context):
    (scores,) = args
    got_array = _as_float_array(got)
    if got_array is None:
        return None
    by_row = np.argmax(scores, axis=1)
    if got_array.shape == (scores.shape[0], 1) and _matches(got_array.ravel(), by_row):
        return "The labels have shape (N, 1); return a flat array of shape (N,) (no keepdims)."
    if _matches(got_array, np.argmax(scores, axis=0)) and not _matches(got_array, by_row):
        return ("That is the argmax over axis 0, down each column (over the examples). Each row holds one "
                "example's class scores, so take the argmax across the row: axis=1. (The notes' code uses axis=0 "
                "because its score matrix is (C, N).)")
    if _matches(got_array, np.max(scores, axis=1)):
        return "These are the highest scores themselves; the label is the index (column) of the highest score."
    if _matches(got_array, np.argmin(scores, axis=1)):
        return "These are the classes with the lowest score; the prediction is the class with the highest score."
    if np.all(scores < 0) and np.all(got_array == 0) and not np.all(by_row == 0):
        return ("With every score negative, all your predictions are class 0: does your search for the best score "
                "start at 0? Start at -inf or at the first class's score (or use np.argmax).")
    return None


def _diagnose_accuracy(got, expected, args, context):
    y_pred, y = (np.ravel(a) for a in args)
    got_array = _as_float_array(got)
    if got_array is None or got_array.shape != ():
        return None
    got_value, correct = float(got_array), int(np.sum(y_pred == y))
    fraction = correct / y.size
    broadcast = float(np.mean(np.asarray(args[0]) == np.asarray(args[1])))
    if np.ndim(args[0]) != np.ndim(args[1]) and np.isclose(got_value, broadcast):
        return (f"An (N,) array compared with an (N, 1) column broadcasts into an N x N table of comparisons "
                f"(here {y.size} x {y.size}), whose mean is not the accuracy. Flatten both label arrays "
                "(np.ravel or .reshape(-1)) before comparing them.")
    if np.isclose(got_value, correct) and correct not in (0, 1):
        return f"{got_value:g} is the number of correct predictions; the accuracy is that count divided by N."
    if np.isclose(got_value, 1.0 - fraction):
        return "That is the error rate (the share of wrong predictions); the accuracy is the share of right ones."
    if np.isclose(got_value, 100.0 * fraction):
        return "That is a percentage; the accuracy is a fraction in [0, 1]."
    if got_value == 0.0 and 0 < correct < y.size:
        return "0 with some predictions right: integer division (//) rounds the fraction down. Divide with /."
    return None


# ---------------------------------------------------------------------------------------------------------------
# Structural checks


def _observe_bias_dtype(namespace):
    (X,) = _bias_inputs()
    return namespace["add_bias_dimension"](X)


def _judge_bias_dtype(observation, context):
    if not isinstance(observation, np.ndarray):
        return fail(f"add_bias_dimension returned a {type(observation).__name__}, not a numpy array")
    if observation.dtype == np.float64:
        return PASS
    if observation.dtype.kind in "iub":
        return fail(f"for float64 input the result has dtype {observation.dtype}, so X's fractional parts were "
                    "lost. Keep a float dtype: np.ones gives float64 ones, and np.hstack keeps X's values.")
    return fail(f"for float64 input the result has dtype {observation.dtype}, which loses precision; keep float64 "
                "(for example, create the ones with dtype=X.dtype).")


def _observe_accuracy_type(namespace):
    return namespace["accuracy"](*_accuracy_inputs())


def _judge_accuracy_type(observation, context):
    value = np.asarray(observation) if isinstance(observation, (np.ndarray, int, float)) else None
    if value is None or value.shape != () or value.dtype.kind not in "fiu":
        return fail(f"accuracy should return a single number, got {observation!r:.80}")
    if not 0.0 <= float(value) <= 1.0:
        return fail(f"accuracy returned {float(value):g}, outside [0, 1]")
    return PASS


class UnchangedShapes(Unchanged):
    """Unchanged, with advice fitted to the way label arrays usually get changed: reshaping them in place."""

    def judge(self, observation, context):
        verdict = super().judge(observation, context)
        if verdict.passed or not isinstance(observation, tuple):
            return verdict
        reshaped = [name for name, before, after in zip(self.arg_names, self.make_inputs(), observation)
                    if np.shape(before) != np.shape(after)]
        if reshaped:
            return fail(f"{self.function} changed the shape of the caller's {reshaped[0]} (assigning to .shape or "
                        "calling .resize changes the array you were given). Use np.ravel(...) or .reshape(-1), which "
                        "return a new array and leave the caller's alone.")
        return verdict


# ---------------------------------------------------------------------------------------------------------------
# Short answers


def _normalise_answer(value):
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, (list, tuple)):
        return tuple(_normalise_answer(v) for v in value)
    return value


def _same_number(got, expected):
    try:
        return np.isclose(float(np.asarray(got)), float(expected), rtol=1e-9, atol=0)
    except (TypeError, ValueError):
        return False


def _answer_check(name, description, variable, hints=None, weight=1.0):
    """One short-answer variable compared with the reference's value; ``hints`` maps known wrong answers to advice.

    Strings compare without case or surrounding spaces; numbers exactly (they are counts); tuples element-wise.
    """
    hints = hints or {}

    def observe(namespace):
        if variable not in namespace:
            raise NameError(f"{variable} is not defined: run its answer cell")
        return namespace[variable]

    def judge(observation, context):
        if observation is None:
            return fail(f"{variable} is still None: assign your answer to it (and delete the raise line).")
        expected = context.reference[variable]
        got = _normalise_answer(observation)
        if isinstance(expected, tuple):
            right = isinstance(got, tuple) and len(got) == len(expected) and all(
                _same_number(g, e) for g, e in zip(got, expected))
        elif isinstance(expected, str):
            right = got == _normalise_answer(expected)
        else:
            right = _same_number(got, expected)
        if right:
            return PASS
        for wrong, advice in hints.items():
            if got == wrong or (not isinstance(wrong, (str, tuple)) and _same_number(got, wrong)):
                return fail(f"{variable} = {observation!r} is not right: {advice}")
        return fail(f"{variable} = {observation!r} is not the expected answer. Revisit the question above the cell.")

    return Custom(name, description, observe, judge, weight=weight)


def _observe_separable(namespace):
    if "linearly_separable" not in namespace:
        raise NameError("linearly_separable is not defined: run its answer cell")
    value = namespace["linearly_separable"]
    # Sets do not travel in observations; send their items as a sorted list of strings.
    return {"items": sorted(str(item) for item in value)} if isinstance(value, (set, frozenset)) else value


def _judge_separable(observation, context):
    expected = {letter.upper() for letter in context.reference["linearly_separable"]}
    if observation is None:
        return fail("linearly_separable is still None: assign your set of letters to it (and delete the raise line).")
    if isinstance(observation, dict):
        observation = observation.get("items")
    if isinstance(observation, str) or not isinstance(observation, (list, tuple)):
        return fail(f"linearly_separable should be a set of letters such as {{'A', 'B'}}, got {observation!r:.60}")
    got = {str(letter).strip().upper() for letter in observation}
    if got == expected:
        return PASS
    missing, extra = len(expected - got), len(got - expected)
    return fail(f"not quite: {missing} separable dataset(s) missing from your set and {extra} listed that a single "
                "linear classifier cannot get fully right. Picture each one with its regions cut by straight lines.")


# ---------------------------------------------------------------------------------------------------------------

TESTS = {
    "test_add_bias_dimension": [
        Compare("values", "a column of ones appended after X's columns (N=5, D=3)", "add_bias_dimension",
                _bias_inputs, diagnose=_diagnose_bias, weight=3),
        Compare("float32", "float32 input (N=4, D=6)", "add_bias_dimension", _bias_inputs_float32,
                rtol=1e-6, diagnose=_diagnose_bias),
        Compare("one_example", "a single example (N=1, D=7)", "add_bias_dimension", _bias_inputs_one_example,
                diagnose=_diagnose_bias),
        Custom("dtype", "float64 input gives a float64 result (no truncation, no lost precision)",
               _observe_bias_dtype, _judge_bias_dtype, requires=["values"]),
        Unchanged("no_mutation", "X is left unchanged", "add_bias_dimension", _bias_inputs, ["X"],
                  requires=["values"]),
    ],
    "test_linear_scores": [
        Compare("values", "X @ W + b with N=6, D=5, C=4", "linear_scores", _scores_inputs,
                diagnose=_diagnose_scores, weight=3),
        Compare("square", "N = C = 4, where a bias on the wrong axis would not raise", "linear_scores",
                _scores_inputs_square, diagnose=_diagnose_scores, weight=2),
        Compare("float32", "float32 inputs", "linear_scores", _scores_inputs_float32, rtol=1e-4, atol=1e-5,
                diagnose=_diagnose_scores),
        Compare("one_example", "a single example (N=1)", "linear_scores", _scores_inputs_one_example,
                diagnose=_diagnose_scores),
        Unchanged("no_mutation", "X, W and b are left unchanged", "linear_scores", _scores_inputs, ["X", "W", "b"],
                  requires=["values"]),
    ],
    "test_predict_labels": [
        Compare("values", "the highest-scoring class of each row, as integers (N=9, C=5)", "predict_labels",
                _predict_inputs, diagnose=_diagnose_labels, weight=3),
        Compare("square", "N = C = 6, where an argmax over the wrong axis would not raise", "predict_labels",
                _predict_inputs_square, diagnose=_diagnose_labels, weight=2),
        Compare("negative", "scores that are all negative", "predict_labels", _predict_inputs_negative,
                diagnose=_diagnose_labels),
        Compare("float32", "float32 scores", "predict_labels", _predict_inputs_float32, diagnose=_diagnose_labels),
        Unchanged("no_mutation", "the scores are left unchanged", "predict_labels", _predict_inputs, ["scores"],
                  requires=["values"]),
    ],
    "test_accuracy": [
        Compare("values", "the fraction of correct predictions (13 of 20 right)", "accuracy", _accuracy_inputs,
                diagnose=_diagnose_accuracy, weight=3),
        Compare("y_column", "y given as a column (N, 1) with y_pred of shape (N,)", "accuracy",
                _accuracy_inputs_y_column, diagnose=_diagnose_accuracy, weight=2),
        Compare("pred_column", "y_pred given as a column (N, 1) with y of shape (N,)", "accuracy",
                _accuracy_inputs_pred_column, diagnose=_diagnose_accuracy),
        # gated: a function that always returns 0 would otherwise earn this check's point
        Compare("all_wrong", "no prediction right (int32 against int64 labels)", "accuracy",
                _accuracy_inputs_all_wrong, diagnose=_diagnose_accuracy, requires=["values"]),
        Custom("single_number", "returns one number in [0, 1]", _observe_accuracy_type, _judge_accuracy_type,
               requires=["values"]),
        UnchangedShapes("no_mutation", "y_pred and y are left unchanged (values and shapes)", "accuracy",
                  _accuracy_inputs_y_column, ["y_pred", "y"], requires=["values"]),
    ],
    "test_q_parameter_count": [
        _answer_check("cifar10_shape", "shape of W for CIFAR-10 with the bias trick", "cifar10_weight_shape",
                      hints={(10, 3073): "that is the notes' (C, D + 1) layout; in our code W is (D + 1, C)",
                             (3072, 10): "the bias trick adds one row to W",
                             (3073, 1): "there is one column (one template) per class"}),
        _answer_check("cifar10_count", "number of parameters for CIFAR-10", "cifar10_num_parameters",
                      hints={30720: "that counts the weights but not the 10 biases",
                             3073: "that is one class's parameters; there are 10 classes",
                             3072: "one class's weights only; add the bias and multiply by the classes"}),
        _answer_check("digits_count", "number of parameters for the 8x8 digits", "digits_num_parameters",
                      hints={640: "that counts the weights but not the biases",
                             65: "that is one class's parameters; there are 10 classes",
                             64: "that is the number of pixels"}),
    ],
    "test_q_score_geometry": [
        _answer_check("bias_moves_line", "what changing b_c does to class c's zero-score line", "bias_change_effect"),
        _answer_check("weight_direction", "how w_c sits relative to the zero-score line", "weight_direction"),
        _answer_check("positive_scaling", "what multiplying W and b by 2 does to the predictions",
                      "scaling_effect"),
    ],
    "test_q_two_mode_template": [
        _answer_check("two_modes", "the template of a class seen in two mirror-image poses", "two_mode_template"),
    ],
    "test_q_linear_separability": [
        Custom("separable_sets", "the datasets a linear classifier can classify perfectly", _observe_separable,
               _judge_separable),
    ],
}
