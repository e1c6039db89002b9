"""Group 3: one training step of the two-layer net (batch 200, D = 3072, H = 100, C = 10), reference solutions.

A step is notebook 05's ``TwoLayerNet.loss(X, y)`` (forward and backward) and one ``sgd`` update per parameter. Its
floor is its matrix products with nothing around them:

- unavoidable: X @ W1 and X.T @ dh (the big two, N x D x H each), h @ W2, h.T @ ds and ds @ W2.T (small);
- as the layer API computes them: also dout @ W1.T, the gradient of the input X, which ``affine_backward`` always
  returns and a network never needs for its first layer (as large as the big two).

Also timed: ``course_utils.training.Trainer.step()`` (the minibatch gather, the checks of the model's output and the
bookkeeping) against the bare step, and the throughput in samples per second.
"""
import numpy as np

from course_utils.training import Trainer

from ..course import reference
from ..results import GroupResult, Row
from ..settings import group_parameters
from ..timing import compare

NAME = "training"
TITLE = "3. Two-layer net training step"
FULL = {"batch_size": 200, "input_dim": 3072, "hidden_dim": 100, "num_classes": 10, "reg": 1e-3, "repeats": 40}
QUICK = {"batch_size": 200, "input_dim": 3072, "hidden_dim": 100, "num_classes": 10, "reg": 1e-3, "repeats": 5}
LEARNING_RATE = 1e-3
WARMUP = 2


def products(X, W1, W2, dh, ds, h, with_input_gradient):
    """The step's matrix products on arrays of the right shapes (the floor)."""
    X @ W1
    h @ W2
    ds @ W2.T
    h.T @ ds
    X.T @ dh
    if with_input_gradient:
        dh @ W1.T


def run(settings, **overrides):
    p = group_parameters(FULL, QUICK, settings, overrides)
    TwoLayerNet, sgd, accuracy_from_scores = reference("05_mlp", "TwoLayerNet", "sgd", "accuracy_from_scores")
    N, D, H, C = p["batch_size"], p["input_dim"], p["hidden_dim"], p["num_classes"]
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((N, D)), rng.integers(C, size=N)
    steps = p["repeats"] + WARMUP
    # an epoch longer than the timed steps, so no epoch ends (with its accuracy measurement) while timing; copies of
    # one batch make a training set of the real size at no cost of random numbers
    X_train, y_train = np.tile(X, (steps + 1, 1)), np.tile(y, steps + 1)

    model = TwoLayerNet(D, H, C, weight_scale=1e-3, reg=p["reg"], seed=0)
    configs = {name: {"learning_rate": LEARNING_RATE} for name in model.params}

    def bare_step():
        loss, grads = model.loss(X, y)
        for name, dw in grads.items():
            model.params[name], configs[name] = sgd(model.params[name], dw, configs[name])
        return loss

    trainer = Trainer(TwoLayerNet(D, H, C, weight_scale=1e-3, reg=p["reg"], seed=0),
                      {"X_train": X_train, "y_train": y_train, "X_val": X, "y_val": y}, update_rule=sgd,
                      accuracy_fn=accuracy_from_scores, optim_config={"learning_rate": LEARNING_RATE}, batch_size=N,
                      num_epochs=1, progress=False)
    if trainer.iterations_per_epoch <= steps:
        raise AssertionError("the trainer's epoch must outlast the timed steps")

    W1, W2 = model.params["W1"], model.params["W2"]
    h, dh, ds = np.abs(rng.standard_normal((N, H))), rng.standard_normal((N, H)), rng.standard_normal((N, C))
    timings = compare({
        "step": bare_step,
        "trainer": trainer.step,
        "floor": lambda: products(X, W1, W2, dh, ds, h, with_input_gradient=False),
        "floor with dX": lambda: products(X, W1, W2, dh, ds, h, with_input_gradient=True),
    }, p["repeats"], warmup=WARMUP)
    step, trainer_step = timings["step"].median, timings["trainer"].median
    floor, floor_dx = timings["floor"].median, timings["floor with dX"].median
    result = GroupResult(NAME, TITLE, parameters=dict(p))
    result.rows += [
        Row("step: loss, gradients, sgd (bare)", step * 1e3, "ms", step / floor, "floor",
            detail=timings["step"].describe(), timing=timings["step"]),
        Row("step: Trainer.step()", trainer_step * 1e3, "ms", trainer_step / step, "bare step",
            detail=timings["trainer"].describe(), timing=timings["trainer"]),
        Row("floor: the 5 unavoidable products", floor * 1e3, "ms", detail=timings["floor"].describe(),
            timing=timings["floor"]),
        Row("products as the layers compute them (+ dX)", floor_dx * 1e3, "ms", floor_dx / floor, "floor",
            detail=timings["floor with dX"].describe(), timing=timings["floor with dX"]),
        Row("throughput (bare step)", N / step, "samples/s", floor / step, "floor-bound rate"),
        Row("throughput (Trainer)", N / trainer_step, "samples/s", floor / trainer_step, "floor-bound rate"),
    ]
    result.notes.append(
        f"Notebook 05's TwoLayerNet (affine - ReLU - affine - softmax, reg = {p['reg']}) and sgd (learning rate "
        f"{LEARNING_RATE}) on a fixed batch of {N} N(0, 1) examples of dimension {D}; Trainer.step() draws its "
        f"batches from {len(X_train)} examples. {p['repeats']} interleaved rounds after {WARMUP} warm-up calls.")
    result.notes.append(
        "The reference's first affine_backward computes dX = dout @ W1.T, which the step discards: a product as "
        "large as X @ W1. The second floor row shows what that costs; a network that skipped it would be bound by "
        "the first floor.")
    return result
