"""Hidden checks for notebook 02, the multiclass SVM (hinge) and softmax (cross-entropy) losses.

Graded functions, all ``(W, X, y, reg) -> float`` with W (D, C), X (N, D), y (N,) integer labels and the loss
``mean over the N examples of L_i + reg * np.sum(W * W)``:

- ``svm_loss_naive`` / ``svm_loss_vectorized``: L_i = sum over j != y_i of max(0, s_j - s_{y_i} + 1);
- ``softmax_loss_naive`` / ``softmax_loss_vectorized``: L_i = -ln(e^{s_{y_i}} / sum_j e^{s_j}).

The naive versions must loop in Python; the vectorized ones must not (nor call a naive version), and the vectorized
softmax must stay finite for scores up to +-1e4. Then the short answers: the losses' bounds and values at
initialization, variants of the hinge, the "jiggle" comparison and what L1 / L2 / elastic net prefer.

How the inputs expose the usual mistakes:
- the notes' 3-example table (X = identity, W = the table's scores, so X @ W is the table) pins the margin of 1,
  the skipped j = y_i and the mean over N; it is square (N = C = 3), like a second random square case, so that a
  correct-class score broadcast without keepdims runs silently and gives wrong values instead of raising;
- reg = 3 with weights whose squared sum is about 8 makes the regularization term larger than the data loss, so a
  missing, halved, doubled or unsquared term cannot hide in the tolerance;
- scores drawn around +-1e4, and rows of scores offset by +-2000 from each other, make np.exp overflow without a
  shift and underflow to 0 with one global shift: only a per-row shift (log-sum-exp) stays finite and exact;
- float32 data with int32 labels, and a single example, cover the dtypes and N = 1.
On a mismatch the diagnosis recomputes the reference on modified inputs (reg = 0, W scaled or negated, ...) and says
which common mistake the student's value matches.
"""
import ast
import math

import numpy as np

from .core import PASS, Compare, Custom, NoLoops, Unchanged, Verdict, fail, parse_answer_cell

LOSSES = ("svm_loss", "softmax_loss")
NOTES_SCORES = ((3.2, 5.1, -1.7),   # the cat image's scores for cat, car, frog (correct class: cat)
                (1.3, 4.9, 2.0),    # the car image's (correct: car)
                (2.2, 2.5, -3.1))   # the frog image's (correct: frog)

# ---------------------------------------------------------------------------------------------------------------
# Inputs: (W, X, y, reg). Each function is deterministic (its own seeded generator): the kernel and the judge both
# call it.


def _random_problem(seed, num_train, dim, num_classes, reg, weight_scale=0.8, dtype=np.float64,
                    label_dtype=np.int64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((num_train, dim))
    W = weight_scale * rng.standard_normal((dim, num_classes))
    y = rng.integers(0, num_classes, num_train)
    return W.astype(dtype), X.astype(dtype), y.astype(label_dtype), reg


def _table_inputs():
    # X = I, so the scores X @ W are W itself: row i holds example i's scores, as in the notes' table.
    return np.array(NOTES_SCORES), np.eye(3), np.array([0, 1, 2]), 0.0


def _random_inputs():
    return _random_problem(21, num_train=8, dim=5, num_classes=4, reg=0.0)


def _reg_inputs():
    # sum(W * W) is about 7.5, so the regularization term (~22) outweighs the data loss (~4).
    return _random_problem(22, num_train=9, dim=6, num_classes=5, reg=3.0, weight_scale=0.5)


def _square_inputs():
    # N == C: a correct-class score of shape (N,) broadcasts along the wrong axis without an error.
    return _random_problem(23, num_train=4, dim=3, num_classes=4, reg=0.5)


def _float32_inputs():
    return _random_problem(24, num_train=10, dim=7, num_classes=3, reg=0.25, dtype=np.float32,
                           label_dtype=np.int32)


def _single_inputs():
    return _random_problem(25, num_train=1, dim=6, num_classes=5, reg=0.1)


def _batch_inputs():
    return _random_problem(26, num_train=300, dim=20, num_classes=10, reg=1.0, weight_scale=0.3)


def _large_score_inputs():
    # General X and W whose scores reach about +-1e4: np.exp of them overflows unless each row is shifted.
    W, X, y, _ = _random_problem(27, num_train=8, dim=6, num_classes=5, reg=0.0, weight_scale=1500.0)
    return W, X, y, 0.0


def _far_rows_inputs():
    # X = I, so W is the score matrix itself. The rows are offset by up to 4000 from each other: shifting all of
    # them by the one global max leaves e^(-4000) = 0 in the lowest rows, hence log(0). reg = 0 because W holds
    # the scores themselves and its squared sum would swamp the data loss.
    rng = np.random.default_rng(28)
    offsets = np.array([2000.0, -2000.0, 0.0, 900.0, -900.0])
    scores = 3.0 * rng.standard_normal((5, 4)) + offsets[:, None]
    return scores, np.eye(5), rng.integers(0, 4, 5), 0.0


# ---------------------------------------------------------------------------------------------------------------
# Diagnoses. A wrong value is compared with what the reference gives when one or two common mistakes are made on
# purpose; the first match (single mistakes first) is explained in the student's terms.


def _data_variants(loss, reference, W, X, y):
    """``(value, explanation)`` pairs for wrong data losses; the reference's own data loss comes first (None)."""
    num_train, num_classes = X.shape[0], W.shape[1]
    data = reference(W, X, y, 0.0)
    variants = [(data, None),
                (num_train * data, f"The data loss is summed over the N = {num_train} examples instead of "
                                   "averaged: divide the sum of the L_i by N."),
                (data / num_classes, f"The data loss is averaged over all N x C = {num_train} x {num_classes} "
                                     "entries; average over the N examples only (sum over the classes).")]
    if loss == "svm_loss":
        variants += [
            (data + 1.0, "Every example's loss is 1 too high: the sum includes the correct class j = y_i, whose "
                         "term is always max(0, s_y - s_y + 1) = 1. Skip j = y_i (or set those margins to 0)."),
            (reference(1e7 * W, X, y, 0.0) / 1e7, "The margin is 0: each term must be max(0, s_j - s_{y_i} + 1), "
                                                  "with the + 1."),
            (2.0 * reference(W / 2.0, X, y, 0.0), "The margin is 2; the hinge here is max(0, s_j - s_{y_i} + 1)."),
            (reference(-W, X, y, 0.0), "The scores enter with the wrong sign: the term is "
                                       "max(0, s_j - s_{y_i} + 1), a wrong class's score minus the correct one's."),
        ]
    else:
        variants += [
            (data / math.log(10.0), "That is the base-10 logarithm: the cross-entropy uses the natural log "
                                    "(np.log, not np.log10)."),
            (-data, "The loss has the wrong sign: L_i = -log(p_{y_i}), which is never negative."),
        ]
    return variants


def _reg_variants(W, X, reg):
    """``(value, explanation)`` pairs for the regularization term; the right one comes first (None)."""
    squares = float(np.sum(W * W))
    return [(reg * squares, None),
            (0.0, f"The regularization term reg * np.sum(W * W) is missing (reg = {reg:g} here)."),
            (0.5 * reg * squares, "The regularization term is half of reg * np.sum(W * W): this course's loss has "
                                  "no factor 1/2."),
            (2.0 * reg * squares, "The regularization term is doubled: the loss adds reg * np.sum(W * W) (the 2 "
                                  "belongs to its gradient, 2 * reg * W)."),
            (reg * squares / X.shape[0], "The regularization term is divided by N: only the data loss is a mean "
                                         "over the examples."),
            (reg * float(np.sum(W)), "The weights are not squared: the term is reg * np.sum(W * W)."),
            (reg * math.sqrt(squares), "That is reg times the norm of W, sqrt(sum(W * W)); the term is reg times the "
                                       "sum of squares itself: reg * np.sum(W * W)."),
            (reg * float(np.sum(np.abs(W))), "That is L1 regularization, reg * sum(|W|); this course uses L2: "
                                               "reg * np.sum(W * W).")]


def _as_number(value):
    try:
        number = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(number) if number.shape == () else None


def _diagnose(loss, context_hint="", square=False):
    """A Compare diagnosis for ``loss`` ("svm_loss" or "softmax_loss") on any (W, X, y, reg) input.

    context_hint: a sentence about the input (for the stability checks), put before the explanation of a NaN or
        infinite loss, or of a finite value that no common mistake explains.
    square: the input has N = C, so an unexplained value may come from broadcasting along the wrong axis.
    """

    def diagnose(got, expected, args, context):
        value = _as_number(got)
        if value is None:
            return None
        if not math.isfinite(value):
            return " ".join(filter(None, (context_hint, _explain_nonfinite(loss, value))))
        W, X, y, reg = args
        W, X = np.asarray(W, dtype=np.float64), np.asarray(X, dtype=np.float64)   # variants need full precision
        reference = context.reference_function(f"{loss}_vectorized")
        data_variants = _data_variants(loss, reference, W, X, y)
        reg_variants = _reg_variants(W, X, reg)
        candidates = [(data + term, data_text, reg_text) for data, data_text in data_variants
                      for term, reg_text in reg_variants if data_text is not None or reg_text is not None]
        candidates.sort(key=lambda candidate: (candidate[1] is not None) + (candidate[2] is not None))
        for candidate, data_text, reg_text in candidates:
            if math.isclose(value, candidate, rel_tol=1e-4, abs_tol=1e-7):
                return " ".join(text for text in (data_text, reg_text) if text)
        if context_hint:
            return f"{context_hint} {PATCHED_LOG_HINT}"
        if square:
            return SQUARE_HINT
        return None

    return diagnose


def _explain_nonfinite(loss, value):
    """What a NaN, +inf or -inf loss usually comes from, and the fix."""
    if loss == "svm_loss":
        return "The hinge loss needs no exp or log: look for a division by zero or an uninitialised value."
    if math.isnan(value):
        return ("NaN: np.exp overflowed (e^710 is already inf, and inf / inf is NaN), or a whole row of "
                "exponentials became 0 (0 / 0). Subtract each row's own maximum score before exponentiating.")
    if value > 0:
        return ("inf: a probability was rounded to exactly 0 (its score lies more than about 745 below the row's "
                "maximum) and -log(0) = inf. Take the log before dividing: with m the row's maximum, "
                "L_i = -(s_{y_i} - m) + log(sum_j exp(s_j - m)).")
    return ("-inf: all the exponentials of a row became 0, so log(sum) = log(0) = -inf. That happens when every row "
            "is shifted by the one largest score of the whole matrix: shift each row by its own maximum "
            "(np.max(scores, axis=1, keepdims=True)).")


FAR_ROWS_CONTEXT = "These rows of scores lie thousands apart, so each row needs its own shift."
LARGE_SCORES_CONTEXT = "The scores here reach about +-1e4."
PATCHED_LOG_HINT = ("A finite but wrong value here often comes from hiding a log(0) (clipping the probabilities, or "
                    "adding a small number inside the log). Compute each row's loss as "
                    "-(s_{y_i} - m) + log(sum_j exp(s_j - m)) with m that row's maximum: nothing to patch.")
SQUARE_HINT = ("Here N = C, so shapes alone cannot catch a broadcast along the wrong axis: if the correct-class "
               "scores (or the row sums) are an (N,) vector, subtracting (or dividing) them from the (N, C) scores "
               "pairs entry j of the vector with column j. Make them a column of shape (N, 1) first.")

# ---------------------------------------------------------------------------------------------------------------
# Structural checks: the naive versions loop, the vectorized ones do not.


def _loops_check(function, forbidden):
    """The naive version must compute the loss itself with at least one Python loop."""

    def judge(observation, context):
        tree = parse_answer_cell(context, function)
        if isinstance(tree, Verdict):
            return tree
        for node in ast.walk(tree):
            called = node.func if isinstance(node, ast.Call) else None
            name = getattr(called, "attr", None) or getattr(called, "id", None)
            if name in forbidden:
                return fail(f"{function} calls {name} (line {node.lineno} of its cell). The naive version is the "
                            "independent, loop-by-loop computation the vectorized one is tested against, so it "
                            "must compute the loss itself.")
        if not any(isinstance(node, NoLoops.LOOP_NODES) for node in ast.walk(tree)):
            return fail(f"{function} has no Python loop. Write this version with explicit loops over the examples "
                        "(and the classes): it is the plain reference the vectorized version is compared with.")
        return PASS

    return Custom("loops", f"{function} computes the loss itself with explicit loops", lambda namespace: None,
                  judge, requires=["table"])


# ---------------------------------------------------------------------------------------------------------------
# The value checks shared by the four functions.


def _value_checks(function, loss):
    def compare(name, description, make_inputs, weight=1.0, rtol=1e-6, atol=1e-8, diagnose=_diagnose(loss)):
        return Compare(name, description, function, make_inputs, rtol=rtol, atol=atol, diagnose=diagnose,
                       weight=weight)

    checks = [
        compare("table", "the notes' 3-example table (X = I, W = the scores, reg = 0)", _table_inputs, weight=2),
        compare("random", "random data, N=8, D=5, C=4, reg = 0", _random_inputs, weight=2),
        compare("reg", "regularization reg * sum(W * W) with reg = 3 (larger than the data loss)", _reg_inputs,
                weight=2),
        compare("square", "N = C = 4, where a correct-class score broadcast along the wrong axis runs silently",
                _square_inputs, diagnose=_diagnose(loss, square=True)),
        compare("float32", "float32 data with int32 labels (compared with rtol 1e-4)", _float32_inputs, rtol=1e-4,
                atol=1e-6),
        compare("single", "a single example (N = 1), reg = 0.1", _single_inputs),
        Unchanged("no_mutation", f"{function} leaves W, X and y unchanged", function, _reg_inputs,
                  ["W", "X", "y", "reg"], requires=["table"]),
    ]
    return checks, compare


def _naive_checks(loss):
    function = f"{loss}_naive"
    checks, _ = _value_checks(function, loss)
    return checks + [_loops_check(function, forbidden=tuple(f"{name}_vectorized" for name in LOSSES))]


def _vectorized_checks(loss, extra=()):
    function = f"{loss}_vectorized"
    checks, compare = _value_checks(function, loss)
    checks.append(compare("batch", "a larger batch, N=300, D=20, C=10, reg = 1", _batch_inputs))
    checks += list(extra)
    checks.append(NoLoops("no_loops", f"{function} uses no Python loops and does not call a naive version",
                          function, forbidden_calls=tuple(f"{name}_naive" for name in LOSSES), weight=2,
                          requires=["table", "random"]))
    return checks


def _stability_checks():
    """The vectorized softmax must be exact where np.exp overflows or underflows (reg = 0: see the inputs)."""
    return [
        Compare("large_scores", "scores up to about +-1e4 (finite and exact)", "softmax_loss_vectorized",
                _large_score_inputs, diagnose=_diagnose("softmax_loss", LARGE_SCORES_CONTEXT), weight=3),
        Compare("far_rows", "rows of scores thousands apart (each row needs its own shift)",
                "softmax_loss_vectorized", _far_rows_inputs, diagnose=_diagnose("softmax_loss", FAR_ROWS_CONTEXT),
                weight=3),
    ]


# ---------------------------------------------------------------------------------------------------------------
# Short answers


def _normalised(value):
    return value.strip().lower() if isinstance(value, str) else value


def _same_answer(got, expected, rtol):
    if isinstance(expected, str):
        return isinstance(got, str) and _normalised(got) == _normalised(expected)
    if isinstance(got, (str, bool)) or got is None:
        return False
    number = _as_number(got)
    if number is None:
        return False
    if math.isinf(expected):
        return number == expected
    return math.isclose(number, expected, rel_tol=rtol, abs_tol=1e-9)


def _shown(value):
    """A short display of an answer: numbers as the student would write them (they arrive as 0-d arrays)."""
    number = None if isinstance(value, (str, bool)) else _as_number(value)
    return f"{number:g}" if number is not None else f"{value!r:.60}"


def _short_answer(name, description, variable, hints=(), rtol=1e-2):
    """One answer variable against the reference's value; ``hints`` pairs known wrong answers with advice.

    Numbers match within ``rtol`` (so 2.3 counts for ln 10), infinity only as infinity; choices ignore case and
    surrounding spaces.
    """

    def observe(namespace):
        if variable not in namespace:
            raise NameError(f"{variable} is not defined: run its answer cell")
        return namespace[variable]

    def judge(observation, context):
        if _same_answer(observation, context.reference[variable], rtol):
            return PASS
        if observation is None:
            return fail(f"{variable} is still None: assign your answer.")
        shown = _shown(observation)
        number = None if isinstance(observation, (str, bool)) else _as_number(observation)
        if number is not None and math.isfinite(number) and abs(number) > 1e100:
            return fail(f"{variable} = {shown}: a value without bound is written np.inf (or math.inf), not as a "
                        "large number.")
        for wrong, advice in hints:
            if _same_answer(observation, wrong, 1e-3):
                return fail(f"{variable} = {shown} is not right: {advice}")
        return fail(f"{variable} = {shown} is not the expected answer. Revisit the question above the cell.")

    return Custom(name, description, observe, judge)


# ---------------------------------------------------------------------------------------------------------------

TESTS = {
    "test_svm_loss_naive": _naive_checks("svm_loss"),
    "test_svm_loss_vectorized": _vectorized_checks("svm_loss"),
    "test_softmax_loss_naive": _naive_checks("softmax_loss"),
    "test_softmax_loss_vectorized": _vectorized_checks("softmax_loss", extra=_stability_checks()),
    "test_q_loss_bounds": [
        _short_answer("svm_min", "the smallest value of the hinge loss L_i", "svm_loss_min",
                      hints=[(-math.inf, "every term max(0, ...) is at least 0"),
                             (-1.0, "every term max(0, ...) is at least 0")]),
        _short_answer("svm_max", "the largest value of the hinge loss L_i", "svm_loss_max",
                      hints=[(1.0, "a wrong class's score can exceed the correct one's by any amount, and the "
                                   "hinge grows with it"),
                             (9.0, "C - 1 is its value when all scores are equal, not its largest value")]),
        _short_answer("softmax_min", "the smallest value the softmax loss L_i approaches", "softmax_loss_min",
                      hints=[(-math.inf, "-log(p) with p at most 1 is never negative")]),
        _short_answer("softmax_max", "the largest value of the softmax loss L_i", "softmax_loss_max",
                      hints=[(1.0, "that bounds the probability, not the loss: -log(p) grows without bound as "
                                   "p goes to 0")]),
    ],
    "test_q_loss_at_init": [
        _short_answer("svm_init", "the hinge loss when all scores are about equal, C = 10", "svm_loss_at_init",
                      hints=[(10.0, "the sum skips the correct class: there are C - 1 terms"),
                             (0.0, "with equal scores each term is max(0, 0 + 1) = 1, not 0"),
                             (1.0, "each of the C - 1 terms is 1")]),
        _short_answer("softmax_init", "the softmax loss when all scores are about equal, C = 10",
                      "softmax_loss_at_init",
                      hints=[(0.1, "that is the probability of the correct class; the loss is -log of it"),
                             (1.0, "that is the base-10 logarithm; the cross-entropy uses the natural log"),
                             (-math.log(10.0), "the loss is -log(1/C), which is positive"),
                             (9.0, "that is the hinge loss's value")]),
    ],
    "test_q_hinge_variants": [
        _short_answer("include_correct", "the change in the loss when the sum also runs over j = y_i",
                      "include_correct_change",
                      hints=[(3.0, "the loss is a mean over the examples: each adds 1, so the mean grows by 1"),
                             (0.0, "the correct class's term is max(0, s_y - s_y + 1), which is never 0")]),
        _short_answer("mean_over_classes", "what averaging over the classes instead of summing changes",
                      "mean_over_classes"),
        _short_answer("squared_hinge", "what squaring each hinge term changes", "squared_hinge"),
    ],
    "test_q_jiggle": [
        _short_answer("hinge", "the hinge loss when the correct score of [10, ...] rises a little", "jiggle_hinge"),
        _short_answer("softmax", "the softmax loss when the correct score of [10, ...] rises a little",
                      "jiggle_softmax"),
        _short_answer("largest", "which of the three score vectors has the largest softmax loss",
                      "largest_softmax_loss"),
    ],
    "test_q_regularization": [
        _short_answer("l2", "which of w1, w2 L2 regularization prefers", "l2_prefers",
                      hints=[("w1", "compare the sums of squares: 1 for w1, 4 * 0.25^2 = 0.25 for w2")]),
        _short_answer("l1", "which of w1, w2 L1 regularization prefers", "l1_prefers",
                      hints=[("w2", "compare the sums of absolute values: 1 for w1, 4 * 0.25 = 1 for w2")]),
        _short_answer("elastic_net", "which of w1, w2 elastic net prefers", "elastic_net_prefers"),
    ],
}
