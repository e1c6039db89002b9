"""The linear classifier playground's state and picture (no ipywidgets here; the view is linear_classifier_view).

A linear classifier on 2-D points of C classes: W of shape (2, C), b of shape (C,). Everything graded comes from the
caller, so the picture shows the student's code at work:

- ``score_fn(X, W, b) -> scores`` of shape (N, C): e.g. the student's ``linear_scores``;
- ``predict_fn(scores) -> labels`` of shape (N,): e.g. the student's ``predict_labels``;
- ``losses``: name -> ``loss(W, X, y, reg) -> float``, e.g. {"hinge": svm_loss_vectorized, "softmax":
  softmax_loss_vectorized}, called with the bias trick: W of shape (3, C) whose last row is b, X of shape (N, 3)
  whose last column is ones; so the regularization reg * sum(W * W) covers b too, as in the course's convention;
- ``add_bias_fn(X) -> X_ext`` (needed with losses): the bias trick, (N, 2) -> (N, 3) with a last column of ones,
  e.g. the student's ``add_bias_dimension`` from notebook 01;
- ``loss_grads`` (optional): name -> ``loss_grad(W, X, y, reg) -> (loss, dW)`` in the same layout. A loss named only
  here is available too. Without one, gradients are numerical gradients of the loss
  (course_utils.gradcheck.eval_numerical_gradient, 2 * 3C + 1 calls of the loss).

:class:`LinearClassifierState` holds the numbers; ``update(**changes)`` recomputes what depends on the change and
returns quickly (a few dozen calls of the student's functions on N points, one prediction on the region grid).
:class:`LinearClassifierPicture` draws a state: the regions coloured by predicted class, the points (misclassified
ones ringed in black), each class's zero-score line and weight vector as an arrow from the origin.
"""
import numpy as np

from ..gradcheck import eval_numerical_gradient
from ..plots import CLASS_COLOURS
from ._arguments import (call_checked, check_array, check_choice, check_count, check_function, check_functions,
                         check_labels, check_number)
from ._canvas import FigureImage
from .regions import RegionGrid, region_rgba

UPDATABLE = ("W", "b", "loss_name", "reg", "learning_rate")


class LinearClassifierState:
    """The numbers behind the linear classifier playground.

    Inputs:
    - X: points, of shape (N, 2); y: their labels 0..C-1, of shape (N,)
    - score_fn, predict_fn, losses, loss_grads, add_bias_fn: the caller's functions (see the module docstring);
      losses may be empty (notebook 01 has none yet): then the loss, gradient and steps are unavailable and stay None
    - W: initial weights, of shape (2, C); b: initial biases, of shape (C,). Default: W drawn from N(0, 1) with
      ``seed``, b zero
    - num_classes: C; default max(y) + 1
    - loss_name: the loss in use, a key of losses (default: the first)
    - reg: regularization strength, >= 0; learning_rate: the step size of ``step()``
    - resolution: the region picture's cells per side (R); padding: margin around the points, in data units

    Attributes after every update (all float64 unless said):
    - W (2, C), b (C,): the parameters
    - scores (N, C); predictions (N,) int; misclassified (N,) bool; accuracy, a float
    - region_labels (R, R) int: predicted class at each cell of ``grid`` (row 0 at the bottom, y = extent[2])
    - total_loss, data_loss (floats), point_losses (N,): each point's loss on its own, reg = 0; None without a loss
    - dW (2, C), db (C,): gradient of the total loss; None without a loss
    - iteration: gradient steps taken since the start or the last ``reset()``
    """

    def __init__(self, X, y, score_fn, predict_fn, losses=None, loss_grads=None, *, add_bias_fn=None, W=None,
                 b=None, num_classes=None, loss_name=None, reg=0.1, learning_rate=0.1, resolution=100, padding=1.0,
                 seed=0):
        self.X = check_array("X", X, (None, 2), "2-D points, one per row")
        self.y = check_labels("y", y, len(self.X))
        self.num_classes = check_count("num_classes", int(self.y.max()) + 1 if num_classes is None else num_classes,
                                       minimum=max(2, int(self.y.max()) + 1))
        self.score_fn = check_function("score_fn", score_fn, "score_fn=linear_scores")
        self.predict_fn = check_function("predict_fn", predict_fn, "predict_fn=predict_labels")
        self.losses, self.loss_grads = _loss_functions(losses, loss_grads)
        self.loss_names = tuple(dict.fromkeys([*self.losses, *self.loss_grads]))
        self.X_with_ones = _with_bias_column(add_bias_fn, self.X) if self.loss_names else None
        self.grid = RegionGrid.around(self.X, resolution, padding, symmetric=True)
        C = self.num_classes
        initial_W = np.random.default_rng(seed).standard_normal((2, C)) if W is None else W
        self.initial_W = check_array("W", initial_W, (2, C), "weights, one column per class")
        self.initial_b = check_array("b", np.zeros(C) if b is None else b, (C,), "one bias per class")
        self.loss_name = None
        if self.loss_names:
            self.loss_name = check_choice("loss_name", self.loss_names[0] if loss_name is None else loss_name,
                                          self.loss_names)
        elif loss_name is not None:
            raise ValueError(f"loss_name={loss_name!r} needs a loss: pass losses={{{loss_name!r}: your_loss}}")
        self.reg = check_number("reg", reg, low=0.0)
        self.learning_rate = check_number("learning_rate", learning_rate, low=0.0, low_inclusive=False)
        self.reset()

    # ------------------------------------------------------------------------------------------------ changes

    @property
    def has_loss(self):
        return bool(self.loss_names)

    def reset(self):
        """Go back to the initial W and b."""
        self.W, self.b = self.initial_W.copy(), self.initial_b.copy()
        self.iteration = 0
        self._recompute_all()
        return self

    def update(self, **changes):
        """Change any of W (2, C), b (C,), loss_name, reg, learning_rate and recompute what depends on them.

        Returns the set of names changed (empty when nothing did).
        """
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise TypeError(f"update() got unexpected keyword arguments {unknown}; it accepts {list(UPDATABLE)}")
        C = self.num_classes
        checks = {
            "W": lambda v: check_array("W", v, (2, C), "weights, one column per class"),
            "b": lambda v: check_array("b", v, (C,), "one bias per class"),
            "loss_name": self._checked_loss_name,
            "reg": lambda v: check_number("reg", v, low=0.0),
            "learning_rate": lambda v: check_number("learning_rate", v, low=0.0, low_inclusive=False),
        }
        checked = {name: checks[name](value) for name, value in changes.items()}   # all checked before any is set
        changed = {name for name, value in checked.items() if not np.array_equal(value, getattr(self, name))}
        for name in changed:
            setattr(self, name, checked[name])
        if changed & {"W", "b"}:
            self._recompute_all()
        elif changed & {"loss_name", "reg"}:
            self._recompute_loss()
        return changed

    def _checked_loss_name(self, name):
        if not self.has_loss:
            raise ValueError("loss_name needs a loss: create the playground with losses={'name': your_loss}")
        return check_choice("loss_name", name, self.loss_names)

    def set_entry(self, name, index, value):
        """Set one entry: ``set_entry("W", (0, 2), 1.5)`` or ``set_entry("b", 1, -0.5)``. Returns update()'s set."""
        check_choice("name", name, ("W", "b"))
        array = (self.W if name == "W" else self.b).copy()
        array[index] = check_number(f"{name}{list(np.atleast_1d(index))}", value)
        return self.update(**{name: array})

    def step(self, num_steps=1):
        """Take ``num_steps`` gradient-descent steps on W and b with the current loss, reg and learning rate."""
        if not self.has_loss:
            raise ValueError("step() needs a loss: create the playground with losses={'hinge': svm_loss_vectorized}")
        for _ in range(check_count("num_steps", num_steps)):
            if not np.all(np.isfinite(self.dW)) or not np.all(np.isfinite(self.db)):
                break  # a NaN gradient would only spread NaN into W; the numbers shown say what went wrong
            self.W = self.W - self.learning_rate * self.dW
            self.b = self.b - self.learning_rate * self.db
            self.iteration += 1
            self._recompute_all()
        return self

    # ----------------------------------------------------------------------------------------- computations

    def _recompute_all(self):
        self.scores = self._scores(self.X, "X")
        self.predictions = self._predict(self.scores, len(self.X))
        self.misclassified = self.predictions != self.y
        self.accuracy = float(np.mean(~self.misclassified))
        self.region_labels = self._predict(self._scores(self.grid.points, "the grid"),
                                           len(self.grid.points)).reshape(self.grid.shape)
        self._recompute_loss()

    def _scores(self, points, what):
        return call_checked("score_fn", self.score_fn, (points, self.W, self.b), (len(points), self.num_classes),
                            f"the scores of {what}: one row per point, one column per class")

    def _predict(self, scores, count):
        labels = np.asarray(self.predict_fn(scores))
        if labels.shape != (count,):
            raise ValueError(f"predict_fn returned shape {labels.shape} for scores of shape {scores.shape}; "
                             f"expected one label per row, shape ({count},)")
        return labels.astype(np.int64)

    def _recompute_loss(self):
        if not self.has_loss:
            self.total_loss = self.data_loss = self.point_losses = self.dW = self.db = None
            return
        W_with_b = np.vstack([self.W, self.b])   # (3, C): the bias trick's weights
        self.total_loss, dW_with_b = self._loss_and_gradient(W_with_b)
        self.data_loss = self._loss(W_with_b, self.X_with_ones, self.y, 0.0)
        self.point_losses = np.array([self._loss(W_with_b, self.X_with_ones[i:i + 1], self.y[i:i + 1], 0.0)
                                      for i in range(len(self.X))])
        self.dW, self.db = dW_with_b[:2], dW_with_b[2]

    def _loss(self, W_with_b, X_with_ones, y, reg):
        name = self.loss_name
        if name in self.losses:
            return call_checked(f"losses[{name!r}]", self.losses[name], (W_with_b, X_with_ones, y, reg))
        loss, _ = self._call_loss_grad(W_with_b, X_with_ones, y, reg)
        return loss

    def _loss_and_gradient(self, W_with_b):
        if self.loss_name in self.loss_grads:
            return self._call_loss_grad(W_with_b, self.X_with_ones, self.y, self.reg)
        loss = self._loss(W_with_b, self.X_with_ones, self.y, self.reg)
        gradient = eval_numerical_gradient(lambda W: self._loss(W, self.X_with_ones, self.y, self.reg), W_with_b)
        return loss, gradient

    def _call_loss_grad(self, W_with_b, X_with_ones, y, reg):
        name = self.loss_name
        result = self.loss_grads[name](W_with_b, X_with_ones, y, reg)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"loss_grads[{name!r}] must return a pair (loss, dW), got {type(result).__name__}")
        loss, dW = result
        dW = np.asarray(dW, dtype=np.float64)
        if dW.shape != W_with_b.shape:
            raise ValueError(f"loss_grads[{name!r}] returned dW of shape {dW.shape}; it must have W's shape "
                             f"{W_with_b.shape}")
        return float(loss), dW


def _with_bias_column(add_bias_fn, X):
    """The points in the losses' layout, (N, 3) with a last column of ones, made by the caller's add_bias_fn."""
    if add_bias_fn is None:
        raise TypeError("a loss is called with the bias trick, so the playground needs add_bias_fn: pass "
                        "add_bias_fn=add_bias_dimension (notebook 01's function, (N, 2) -> (N, 3) with a last "
                        "column of ones)")
    check_function("add_bias_fn", add_bias_fn, "add_bias_fn=add_bias_dimension")
    X_with_ones = call_checked("add_bias_fn", add_bias_fn, (X.copy(),), (len(X), 3),
                               "the points with a column of ones appended")
    if not (np.array_equal(X_with_ones[:, :2], X) and np.all(X_with_ones[:, 2] == 1)):
        raise ValueError("add_bias_fn must keep the two coordinates as the first columns and append a column of "
                         "ones; check it against its test in notebook 01")
    return X_with_ones


def _loss_functions(losses, loss_grads):
    losses = check_functions("losses", losses, "losses={'hinge': svm_loss_vectorized}")
    loss_grads = check_functions("loss_grads", loss_grads, "loss_grads={'hinge': svm_loss_grad}")
    return losses, loss_grads


class LinearClassifierPicture:
    """The playground's picture of a :class:`LinearClassifierState`; ``draw()`` then ``png()`` for each frame.

    The artists are made once; ``draw()`` only changes their data, so a frame costs the rendering alone.
    """

    def __init__(self, state, figsize=(5.2, 5.0), dpi=80):
        self.state = state
        self.image = FigureImage(figsize, dpi)
        self.ax = ax = self.image.figure.add_subplot()
        self.image.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.08, top=0.92)
        grid = state.grid
        self.colours = [CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in range(state.num_classes)]
        self.regions = ax.imshow(region_rgba(state.region_labels, self.colours), origin="lower", extent=grid.extent,
                                 interpolation="nearest", aspect="equal")
        self.points = ax.scatter(state.X[:, 0], state.X[:, 1], c=[self.colours[c] for c in state.y], s=36,
                                 edgecolors="k", linewidths=0.5, zorder=3)
        self.lines = [ax.plot([], [], color=colour, lw=2, zorder=2)[0] for colour in self.colours]
        self.arrows = [ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=4,
                                   arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.2, shrinkA=0, shrinkB=0))
                       for colour in self.colours]
        axes_lines = [ax.axhline(0, color="0.6", lw=0.6, zorder=1), ax.axvline(0, color="0.6", lw=0.6, zorder=1)]
        ax.set_xlim(grid.extent[:2])
        ax.set_ylim(grid.extent[2:])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        self.title = ax.set_title("")
        # everything inside the axes is redrawn each frame (the regions image covers the whole box), the frame
        # and tick labels come from the cached background
        self.image.animate(self.regions, *axes_lines, self.points, *self.lines, *self.arrows, self.title,
                           *ax.spines.values())
        self.draw()

    def draw(self):
        """Bring every artist up to date with the state."""
        state = self.state
        self.regions.set_data(region_rgba(state.region_labels, self.colours))
        # a thick black edge marks a misclassified point
        self.points.set_linewidths(np.where(state.misclassified, 2.0, 0.5))
        for c, (line, arrow) in enumerate(zip(self.lines, self.arrows)):
            line.set_data(*zero_score_line(state.W[:, c], state.b[c], state.grid.extent))
            arrow.xy = tuple(state.W[:, c])
        summary = f"accuracy {state.accuracy:.0%}"
        if state.has_loss:
            summary = f"{state.loss_name} loss {state.total_loss:.4g}, " + summary
        self.title.set_text(summary)
        return self

    def png(self):
        return self.image.png()


def zero_score_line(w, b, extent):
    """Two points of the line w . x + b = 0 reaching past the box ``extent`` = (x_min, x_max, y_min, y_max).

    w: a class's weights, shape (2,); b: its bias. Returns (xs, ys), each of shape (2,), or empty arrays when w = 0
    (the score is then the constant b and has no zero line).
    """
    norm_squared = float(w @ w)
    if norm_squared < 1e-24:
        return np.empty(0), np.empty(0)
    foot = -b * w / norm_squared                  # the point of the line closest to the origin
    along = np.array([-w[1], w[0]]) / np.sqrt(norm_squared)
    reach = np.hypot(*np.abs(extent).reshape(2, 2).max(axis=1)) + np.linalg.norm(foot)
    ends = foot + np.outer([-reach, reach], along)
    return ends[:, 0], ends[:, 1]
