"""Two-dimensional loss surfaces for the loss landscape explorer: classic test functions, and a plane through a
classifier's weights on which the student's loss is evaluated.

Every surface has the same interface (points are (u, v) pairs):

- ``name``; ``extent``: the box (u_min, u_max, v_min, v_max) to show; ``start``: a default starting point (2,)
- ``learning_rate``: a learning rate that suits it, the explorer's default
- ``values(points)``: the loss at each point, points of shape (M, 2) -> (M,)
- ``loss_and_gradient(point)``: the loss at one point (a float) and the gradient there, of shape (2,)

The test functions (Goodfellow et al. 2016, ch. 8; the CS231n optimizer animations) each show one difficulty:

- narrow valley: 0.5 (u^2 + 30 v^2), curvature 30 times larger across the valley than along it;
- saddle: 0.5 u^2 - 0.5 v^2 + v^4 / 8, a saddle point at the origin between two minima at v = +-sqrt(2);
- two minima: (u^2 - 1)^2 + 0.4 u + v^2, a shallow minimum near u = 0.9 and a deeper one near u = -1.05.

:class:`SlicePlane` is the loss of a linear classifier restricted to the plane W0 + u d1 + v d2 through its weights
W0 (D, C), along two directions (D, C) made by :func:`filter_normalized_direction` (Li et al. 2018, "Visualizing the
Loss Landscape of Neural Nets") or :func:`gradient_direction`. Its values come from the caller's loss, its gradients
from the caller's loss_grad or from numerical gradients of the loss (course_utils.gradcheck).
"""
from typing import Callable, NamedTuple

import numpy as np

from ..gradcheck import eval_numerical_gradient
from ._arguments import call_checked


class ToySurface(NamedTuple):
    """A test function given by closed forms of its value (vectorized over points) and gradient."""

    name: str
    formula: str
    value_fn: Callable
    gradient_fn: Callable
    extent: tuple
    start: tuple
    learning_rate: float

    def values(self, points):
        points = np.asarray(points, dtype=np.float64)
        return self.value_fn(points[:, 0], points[:, 1])

    def loss_and_gradient(self, point):
        u, v = np.asarray(point, dtype=np.float64)
        return float(self.value_fn(u, v)), np.asarray(self.gradient_fn(u, v), dtype=np.float64)


NARROW_VALLEY = ToySurface(
    "narrow valley", "0.5 (u² + 30 v²)",
    lambda u, v: 0.5 * (u ** 2 + 30 * v ** 2),
    lambda u, v: (u, 30 * v),
    extent=(-5.0, 5.0, -2.0, 2.0), start=(-4.5, 1.2), learning_rate=0.03)

SADDLE = ToySurface(
    "saddle", "0.5 u² − 0.5 v² + v⁴ / 8",
    lambda u, v: 0.5 * u ** 2 - 0.5 * v ** 2 + v ** 4 / 8,
    lambda u, v: (u, -v + v ** 3 / 2),
    extent=(-3.0, 3.0, -3.0, 3.0), start=(-2.8, 0.01), learning_rate=0.05)

TWO_MINIMA = ToySurface(
    "two minima", "(u² − 1)² + 0.4 u + v²",
    lambda u, v: (u ** 2 - 1) ** 2 + 0.4 * u + v ** 2,
    lambda u, v: (4 * u * (u ** 2 - 1) + 0.4, 2 * v),
    extent=(-2.0, 2.0, -1.5, 1.5), start=(1.9, 1.2), learning_rate=0.02)

TOY_SURFACES = (NARROW_VALLEY, SADDLE, TWO_MINIMA)


def filter_normalized_direction(W, rng):
    """A random direction for W (D, C) with each class column rescaled to the norm of W's column.

    Li et al. normalize each filter of a network; for a linear classifier a class's column of W is its filter
    (its template). So u = 1 moves every template by as much as its own length, whatever the scale of W.

    Returns d of shape (D, C). Raises a ValueError if a column of W is zero (it would give that column no length).
    """
    W = np.asarray(W, dtype=np.float64)
    column_norms = np.linalg.norm(W, axis=0)
    if np.any(column_norms == 0):
        zero = int(np.flatnonzero(column_norms == 0)[0])
        raise ValueError(f"W's column {zero} is all zeros: filter normalization scales each random column to the "
                         "length of W's column, so W needs nonzero columns; start from small random weights "
                         "(e.g. 0.001 * rng.standard_normal(W.shape)) or a trained W")
    direction = rng.standard_normal(W.shape)
    return direction * (column_norms / np.linalg.norm(direction, axis=0))


def gradient_direction(dW, W):
    """The direction of steepest descent, -dW (D, C), scaled to the norm of W, so that u = 1 moves W by its length.

    Unlike the random directions it is not normalized column by column, which would turn it away from -dW.
    """
    dW = np.asarray(dW, dtype=np.float64)
    norm = np.linalg.norm(dW)
    if norm == 0 or not np.isfinite(norm):
        raise ValueError(f"the gradient at W has norm {norm}, so it gives no direction; start from another W")
    return -dW * (np.linalg.norm(W) / norm)


class SlicePlane:
    """The caller's loss on the plane W0 + u d1 + v d2.

    Inputs:
    - loss_fn: loss(W, X, y, reg) -> float, e.g. the student's softmax_loss_vectorized
    - W0: the center, of shape (D, C); d1, d2: directions, of shape (D, C)
    - X: data, of shape (N, D); y: labels, of shape (N,); reg: regularization strength
    - loss_grad: optional loss_grad(W, X, y, reg) -> (loss, dW); gives the loss and the in-plane gradient
      (<dW, d1>, <dW, d2>) in one call, instead of one loss call and a numerical gradient (five more)
    - span: the box shown is [-span, span]^2
    - name: shown in the explorer's menu
    """

    def __init__(self, loss_fn, W0, d1, d2, X, y, reg, loss_grad=None, span=1.0, name="data"):
        self.loss_fn, self.loss_grad = loss_fn, loss_grad
        self.W0, self.d1, self.d2 = W0, d1, d2
        self.X, self.y, self.reg = X, y, reg
        self.name = name
        self.formula = "L(W₀ + u d₁ + v d₂)"
        self.extent = (-span, span, -span, span)
        self.start = (-0.8 * span, 0.8 * span)
        self.learning_rate = 0.1

    def weights(self, point):
        """The weights W0 + u d1 + v d2 at point (u, v), of shape (D, C)."""
        u, v = point
        return self.W0 + u * self.d1 + v * self.d2

    def loss_at(self, point):
        return call_checked("loss_fn", self.loss_fn, (self.weights(point), self.X, self.y, self.reg))

    def values(self, points):
        return np.array([self.loss_at(point) for point in np.asarray(points, dtype=np.float64)])

    def loss_and_gradient(self, point):
        point = np.asarray(point, dtype=np.float64)
        if self.loss_grad is None:
            return self.loss_at(point), eval_numerical_gradient(self.loss_at, point)
        result = self.loss_grad(self.weights(point), self.X, self.y, self.reg)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"loss_grad must return a pair (loss, dW), got {type(result).__name__}")
        loss, dW = result
        dW = np.asarray(dW, dtype=np.float64)
        if dW.shape != self.W0.shape:
            raise ValueError(f"loss_grad returned dW of shape {dW.shape}; it must have W's shape {self.W0.shape}")
        # chain rule: d/du L(W0 + u d1 + v d2) = <dL/dW, d1>
        return float(loss), np.array([np.vdot(dW, self.d1), np.vdot(dW, self.d2)])
