"""Group 1: the losses at the CS231n development size (N = 500, D = 3073, C = 10, float64), reference solutions.

- naive / vectorized, for the SVM and the softmax loss, loss alone (notebook 02) and loss with gradient (notebook 03
  vectorized; the loop version is benchmarks.naive_gradients);
- vectorized loss+grad / its floor, the two matrix products no implementation can avoid: scores = X @ W and
  dW = X.T @ G (G the (N, C) gradient of the scores). Target: at most 1.3 times the floor.

Two interleaved batches: the floor comparison (the vectorized functions and the products alone, so they run with the
same warm caches), and the naive comparison (loops and vectorized together).
"""
import numpy as np

from ..course import linear_classifier_data, reference
from ..naive_gradients import softmax_loss_grad_naive, svm_loss_grad_naive
from ..results import GroupResult, Row, Target
from ..settings import group_parameters
from ..timing import compare

NAME = "losses"
TITLE = "1. Losses at the CS231n development size"
FULL = {"num_train": 500, "dim": 3073, "num_classes": 10, "reg": 0.1, "repeats": 40, "naive_repeats": 10}
QUICK = {"num_train": 500, "dim": 3073, "num_classes": 10, "reg": 0.1, "repeats": 5, "naive_repeats": 2}
FLOOR_TARGET = Target("ratio", "<=", 1.3, "floor")
AGREEMENT_RTOL = 1e-8


def loss_functions():
    """{"SVM": (naive loss, vectorized loss, naive loss+grad, vectorized loss+grad), "softmax": (...)}."""
    svm_naive, svm_vectorized, softmax_naive, softmax_vectorized = reference(
        "02_svm_softmax_loss", "svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")
    svm_grad, softmax_grad = reference("03_gradients", "svm_loss_grad", "softmax_loss_grad")
    return {"SVM": (svm_naive, svm_vectorized, svm_loss_grad_naive, svm_grad),
            "softmax": (softmax_naive, softmax_vectorized, softmax_loss_grad_naive, softmax_grad)}


def check_agreement(name, functions, W, X, y, reg):
    """The four versions must compute the same numbers, or the timings compare different work."""
    naive, vectorized, naive_grad, vectorized_grad = functions
    losses = [naive(W, X, y, reg), vectorized(W, X, y, reg)]
    (loss_a, dW_a), (loss_b, dW_b) = naive_grad(W, X, y, reg), vectorized_grad(W, X, y, reg)
    losses += [loss_a, loss_b]
    if not np.allclose(losses, losses[0], rtol=AGREEMENT_RTOL, atol=0):
        raise AssertionError(f"the {name} losses disagree: {losses} (naive, vectorized, naive+grad, vectorized+grad)")
    if not np.allclose(dW_a, dW_b, rtol=1e-6, atol=1e-12 * np.max(np.abs(dW_b))):
        raise AssertionError(f"the {name} gradients of the loop and vectorized versions disagree")


def run(settings, **overrides):
    p = group_parameters(FULL, QUICK, settings, overrides)
    W, X, y = linear_classifier_data(p["num_train"], p["dim"], p["num_classes"])
    reg = p["reg"]
    G = np.random.default_rng(1).standard_normal((p["num_train"], p["num_classes"]))
    result = GroupResult(NAME, TITLE, parameters={**p, "dtype": "float64"})
    floor_candidates = {"X @ W": lambda: X @ W, "floor": lambda: (X @ W, X.T @ G)}
    naive_candidates = {}
    functions = loss_functions()
    for name, four in functions.items():
        check_agreement(name, four, W, X, y, reg)
        naive, vectorized, naive_grad, vectorized_grad = four
        floor_candidates[f"{name} loss"] = lambda f=vectorized: f(W, X, y, reg)
        floor_candidates[f"{name} loss+grad"] = lambda f=vectorized_grad: f(W, X, y, reg)
        naive_candidates.update({
            f"{name} loss naive": lambda f=naive: f(W, X, y, reg),
            f"{name} loss vectorized": lambda f=vectorized: f(W, X, y, reg),
            f"{name} loss+grad naive": lambda f=naive_grad: f(W, X, y, reg),
            f"{name} loss+grad vectorized": lambda f=vectorized_grad: f(W, X, y, reg),
        })
    at_floor = compare(floor_candidates, p["repeats"], warmup=2)
    against_naive = compare(naive_candidates, p["naive_repeats"], warmup=1)

    def ms(timing):
        return timing.median * 1e3

    floor, scores_product = at_floor["floor"], at_floor["X @ W"]
    for name in functions:
        for what in ("loss", "loss+grad"):
            naive_time = against_naive[f"{name} {what} naive"]
            vectorized_time = against_naive[f"{name} {what} vectorized"]
            result.rows.append(Row(f"{name} {what}, naive (loops)", ms(naive_time), "ms",
                                   naive_time.median / vectorized_time.median, "vectorized",
                                   detail=naive_time.describe(), timing=naive_time))
        loss_time, grad_time = at_floor[f"{name} loss"], at_floor[f"{name} loss+grad"]
        result.rows.append(Row(f"{name} loss, vectorized", ms(loss_time), "ms",
                               loss_time.median / scores_product.median, "X @ W", detail=loss_time.describe(),
                               timing=loss_time))
        result.rows.append(Row(f"{name} loss+grad, vectorized", ms(grad_time), "ms", grad_time.median / floor.median,
                               "floor", target=FLOOR_TARGET, detail=grad_time.describe(), timing=grad_time))
    result.rows.append(Row("floor: X @ W and X.T @ G", ms(floor), "ms", floor.median / scores_product.median, "X @ W",
                           detail=floor.describe(), timing=floor))
    result.rows.append(Row("X @ W alone", ms(scores_product), "ms", detail=scores_product.describe(),
                           timing=scores_product))
    result.notes.append(
        f"Data: X ({p['num_train']}, {p['dim']}) with N(0, 64²) entries and a last column of ones, W = 1e-4·N(0, 1), "
        f"reg = {reg}. Reference solutions from notebooks 02 (losses) and 03 (loss+grad); the loop version of the "
        "gradient is benchmarks/naive_gradients.py (CS231n's). All versions are checked to agree before timing.")
    result.notes.append(
        f"Two interleaved batches: vectorized vs floor ({p['repeats']} rounds, 2 warm-up calls each) and naive vs "
        f"vectorized ({p['naive_repeats']} rounds, 1 warm-up); the ratios use medians from the same batch.")
    return result
