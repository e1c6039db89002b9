"""The MLP playground's state and picture, in the spirit of the TensorFlow Playground (no ipywidgets here; the view
is mlp_view).

A small network learns a 2-D toy set (course_utils.data: spiral, circles, XOR) while the student watches the
decision regions and the training and test losses. The network and the update rules are the caller's:

- ``make_model(input_dim, hidden_dim, num_classes, reg, seed, activation) -> model``, keyword arguments, where a model
  has ``model.params`` (a dict of arrays) and ``model.loss(X, y=None)``: scores (N, C) without labels, else
  (loss, grads) with grads keyed like params (the course's TwoLayerNet interface). For example, with the student's
  TwoLayerNet (one activation, ReLU): ``lambda activation, **sizes: TwoLayerNet(weight_scale=0.5, **sizes)``.
- ``update_rules``: name -> ``rule(w, dw, config) -> (next_w, config)`` (the student's sgd, sgd_momentum, adam).
  Every parameter has its own config, kept across steps; its "learning_rate" is set to the slider's value before
  each step, so the learning rate can change while the optimizer keeps its state.

A training step takes one minibatch (``batch_size`` examples drawn without replacement; None for the full set), one
call of ``model.loss`` and one rule call per parameter, then records the training loss and the test loss
(``model.loss(X_test, y_test)``, regularization included, as in the training loss). A change of dataset, hidden
size, activation or seed starts over with a new model; a change of regularization keeps the weights (a new model
from make_model receives them); learning rate and optimizer apply from the next step (a new optimizer starts from
fresh configs).
"""
import numpy as np

from ..data import make_circles, make_spiral, make_xor
from ..plots import CLASS_COLOURS
from ._arguments import check_choice, check_count, check_function, check_functions, check_number
from ._canvas import FigureImage
from .regions import RegionGrid, region_rgba

DATASETS = {
    "spiral": lambda seed: make_spiral(100, num_classes=3, noise=0.05, seed=seed),
    "circles": lambda seed: make_circles(100, num_classes=2, noise=0.08, seed=seed),
    "xor": lambda seed: make_xor(100, noise=0.3, seed=seed),
}
UPDATABLE = ("dataset", "hidden_dim", "activation", "learning_rate", "reg", "optimizer", "batch_size", "seed")
RESTARTS = ("dataset", "hidden_dim", "activation", "seed")


class MLPPlaygroundState:
    """The numbers behind the MLP playground.

    Inputs:
    - make_model, update_rules: the caller's (see the module docstring)
    - activations: the activation names make_model accepts (the view's menu), e.g. ("relu", "tanh")
    - dataset: "spiral", "circles" or "xor"; hidden_dim: hidden units; activation: one of activations
    - learning_rate, reg: as given to the rule's config and to make_model; optimizer: a key of update_rules
    - batch_size: examples per step (None: all of them); seed: seeds the data, the model and the minibatches
    - resolution: R, cells per side of the region picture

    Attributes:
    - X_train (N, 2), y_train (N,), X_test (M, 2), y_test (M,): the data (the test set is drawn with seed + 1)
    - model, configs (name -> the config of each parameter), iteration
    - train_losses, test_losses: one float per step taken; grid: the RegionGrid of the picture
    - region_labels (R, R): the class with the highest score in each cell (computed by ``refresh_regions()``,
      which the picture calls)
    """

    def __init__(self, make_model, update_rules, *, activations=("relu",), dataset="spiral", hidden_dim=16,
                 activation=None, learning_rate=0.1, reg=1e-3, optimizer=None, batch_size=None, seed=0,
                 resolution=80):
        self.make_model = check_function(
            "make_model", make_model, "make_model=lambda activation, **sizes: TwoLayerNet(weight_scale=0.5, **sizes)")
        self.update_rules = check_functions("update_rules", update_rules,
                                            "update_rules={'sgd': sgd, 'momentum': sgd_momentum, 'adam': adam}",
                                            allow_empty=False)
        if isinstance(activations, str) or not activations:
            raise TypeError(f"activations must be a non-empty tuple of names, e.g. ('relu', 'tanh'); "
                            f"got {activations!r}")
        self.activations = tuple(activations)
        self.dataset = check_choice("dataset", dataset, tuple(DATASETS))
        self.hidden_dim = check_count("hidden_dim", hidden_dim, minimum=1)
        self.activation = check_choice("activation", self.activations[0] if activation is None else activation,
                                       self.activations)
        self.learning_rate = check_number("learning_rate", learning_rate, low=0.0, low_inclusive=False)
        self.reg = check_number("reg", reg, low=0.0)
        self.optimizer = check_choice("optimizer", next(iter(self.update_rules)) if optimizer is None else optimizer,
                                      tuple(self.update_rules))
        self.batch_size = None if batch_size is None else check_count("batch_size", batch_size, minimum=1)
        self.seed = check_count("seed", seed, minimum=0)
        self.resolution = check_count("resolution", resolution, minimum=2)
        self._load_data()
        self.restart()

    # ------------------------------------------------------------------------------------------------ changes

    def _load_data(self):
        self.X_train, self.y_train = DATASETS[self.dataset](self.seed)
        self.X_test, self.y_test = DATASETS[self.dataset](self.seed + 1)
        self.num_classes = int(self.y_train.max()) + 1
        self.grid = RegionGrid.around(np.vstack([self.X_train, self.X_test]), self.resolution, padding=0.3)

    def restart(self):
        """A new model from the current settings; the optimizer state and the histories start again."""
        self.model = self._new_model()
        self.configs = {}
        self.iteration = 0
        self.train_losses, self.test_losses = [], []
        self._batch_rng = np.random.default_rng([self.seed, 1])
        self.region_labels = None
        return self

    def update(self, **changes):
        """Change any of dataset, hidden_dim, activation, learning_rate, reg, optimizer, batch_size, seed.

        Returns the set of names changed. See the module docstring for what each change keeps.
        """
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise TypeError(f"update() got unexpected keyword arguments {unknown}; it accepts {list(UPDATABLE)}")
        changed = {name for name, value in changes.items() if value != getattr(self, name)}
        checks = {
            "dataset": lambda v: check_choice("dataset", v, tuple(DATASETS)),
            "hidden_dim": lambda v: check_count("hidden_dim", v, minimum=1),
            "activation": lambda v: check_choice("activation", v, self.activations),
            "learning_rate": lambda v: check_number("learning_rate", v, low=0.0, low_inclusive=False),
            "reg": lambda v: check_number("reg", v, low=0.0),
            "optimizer": lambda v: check_choice("optimizer", v, tuple(self.update_rules)),
            "batch_size": lambda v: None if v is None else check_count("batch_size", v, minimum=1),
            "seed": lambda v: check_count("seed", v, minimum=0),
        }
        checked = {name: checks[name](changes[name]) for name in changed}   # all checked before any is set
        for name, value in checked.items():
            setattr(self, name, value)
        if changed & {"dataset", "seed"}:
            self._load_data()
        if changed & set(RESTARTS):
            self.restart()
        elif "reg" in changed:
            self._carry_weights_to(self._new_model())
        if "optimizer" in changed:
            self.configs = {}
        return changed

    def _new_model(self):
        model = self.make_model(input_dim=2, hidden_dim=self.hidden_dim, num_classes=self.num_classes, reg=self.reg,
                                seed=self.seed, activation=self.activation)
        params = getattr(model, "params", None)
        if not isinstance(params, dict) or not callable(getattr(model, "loss", None)):
            raise TypeError(f"make_model must return a model with a dict .params and a .loss(X, y=None) method; "
                            f"got {type(model).__name__}")
        return model

    def _carry_weights_to(self, model):
        if set(model.params) != set(self.model.params):
            raise ValueError(f"make_model gave parameters {sorted(model.params)} after {sorted(self.model.params)} "
                             "for the same sizes; it must give the same names")
        model.params.update({name: value.copy() for name, value in self.model.params.items()})
        self.model = model

    # ------------------------------------------------------------------------------------------- training

    def step(self, num_steps=1):
        """Take ``num_steps`` training steps (stops early if the loss is no longer finite). Returns the state."""
        for _ in range(check_count("num_steps", num_steps)):
            if self.train_losses and not np.isfinite(self.train_losses[-1]):
                break
            self._one_step()
        self.region_labels = None
        return self

    @property
    def diverged(self):
        return bool(self.train_losses) and not np.isfinite(self.train_losses[-1])

    def _one_step(self):
        X, y = self._batch()
        loss, grads = self._loss_and_grads(X, y)
        rule = self.update_rules[self.optimizer]
        for name, dw in grads.items():
            config = self.configs.setdefault(name, {})
            config["learning_rate"] = self.learning_rate
            next_w, config = rule(self.model.params[name], dw, config)
            self.model.params[name], self.configs[name] = next_w, config
        self.iteration += 1
        self.train_losses.append(loss)
        self.test_losses.append(self._loss_and_grads(self.X_test, self.y_test)[0])

    def _batch(self):
        if self.batch_size is None or self.batch_size >= len(self.y_train):
            return self.X_train, self.y_train
        chosen = self._batch_rng.choice(len(self.y_train), size=self.batch_size, replace=False)
        return self.X_train[chosen], self.y_train[chosen]

    def _loss_and_grads(self, X, y):
        result = self.model.loss(X, y)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"model.loss(X, y) must return (loss, grads), got {type(result).__name__}")
        loss, grads = result
        missing = set(self.model.params) - set(grads)
        if missing:
            raise ValueError(f"model.loss(X, y) returned no gradient for {sorted(missing)}; grads must be keyed "
                             "like params")
        return float(loss), grads

    def refresh_regions(self):
        """The class with the highest score in each grid cell, region_labels of shape (R, R)."""
        if self.region_labels is None:
            scores = np.asarray(self.model.loss(self.grid.points), dtype=np.float64)
            if scores.shape != (len(self.grid.points), self.num_classes):
                raise ValueError(f"model.loss(X) returned shape {scores.shape} for {len(self.grid.points)} points; "
                                 f"expected scores of shape ({len(self.grid.points)}, {self.num_classes})")
            # colouring the plane by the top score is drawing, not grading: it shows the caller's model's decisions
            self.region_labels = np.argmax(scores, axis=1).reshape(self.grid.shape)
        return self.region_labels


class MLPPlaygroundPicture:
    """Two panels: the decision regions with the training (filled) and test (hollow) points; the losses per step."""

    def __init__(self, state, figsize=(10.0, 4.2), dpi=80):
        self.state = state
        self.image = FigureImage(figsize, dpi)
        self.region_ax, self.loss_ax = self.image.figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        self.image.figure.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.9, wspace=0.22)
        self.regions = None
        self.train_line, = self.loss_ax.plot([], [], color="#1f77b4", lw=1.5, label="training loss")
        self.test_line, = self.loss_ax.plot([], [], color="#ff7f0e", lw=1.5, label="test loss")
        self.loss_ax.set_xlabel("step")
        self.loss_ax.set_ylabel("loss")
        self.loss_ax.legend(loc="upper right", fontsize=9)
        self._shown_data = None
        self._data_artists = []
        self._loss_limits = None
        self.image.animate(self.train_line, self.test_line)
        self.draw()

    def draw(self):
        state = self.state
        if self._shown_data is not state.X_train:
            self._draw_data()
        self.regions.set_data(region_rgba(state.refresh_regions(), self.colours))
        steps = np.arange(1, len(state.train_losses) + 1)
        self.train_line.set_data(steps, state.train_losses)
        self.test_line.set_data(steps, state.test_losses)
        self._fit_loss_limits()
        text = f"step {state.iteration}"
        if state.train_losses:
            text += f": training loss {state.train_losses[-1]:.3f}, test loss {state.test_losses[-1]:.3f}"
        if state.diverged:
            text += " (diverged: lower the learning rate)"
        self.title.set_text(text)
        return self

    def _draw_data(self):
        state, ax = self.state, self.region_ax
        self.image.release(*self._data_artists)
        ax.clear()
        self.colours = [CLASS_COLOURS[c % len(CLASS_COLOURS)] for c in range(state.num_classes)]
        self.regions = ax.imshow(np.ones(state.grid.shape + (4,)), origin="lower", extent=state.grid.extent,
                                 interpolation="bilinear", aspect="auto")
        ax.scatter(state.X_train[:, 0], state.X_train[:, 1], c=[self.colours[c] for c in state.y_train], s=14,
                   edgecolors="k", linewidths=0.3, zorder=3)
        ax.scatter(state.X_test[:, 0], state.X_test[:, 1], facecolors="none", s=14, linewidths=0.8,
                   edgecolors=[self.colours[c] for c in state.y_test], zorder=3)
        ax.set_xlim(state.grid.extent[:2])
        ax.set_ylim(state.grid.extent[2:])
        self.title = ax.set_title("", fontsize=10)
        # the regions change every frame and lie under the points: both are redrawn over the cached axes
        self._data_artists = [self.regions, *ax.collections, self.title, *ax.spines.values()]
        self.image.animate(*self._data_artists)
        self._shown_data = state.X_train

    def _fit_loss_limits(self):
        """Grow the loss axes in coarse jumps (doubling the steps, rounding the top), so that the cached axes
        are rarely drawn again."""
        losses = np.array(self.state.train_losses + self.state.test_losses)
        finite = losses[np.isfinite(losses)]
        steps = max(len(self.state.train_losses), 1)
        top = float(np.max(finite)) if finite.size else 1.0
        limits = (2 ** int(np.ceil(np.log2(max(steps, 16)))), _round_up(top * 1.05))
        if limits != self._loss_limits:
            self.loss_ax.set_xlim(0, limits[0])
            self.loss_ax.set_ylim(0, limits[1])
            self._loss_limits = limits
            self.image.invalidate()

    def png(self):
        return self.image.png()


def _round_up(value):
    """The smallest of 1, 2 or 5 times a power of ten that is >= value (a tidy axis top)."""
    if not value > 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return next(float(m * power) for m in (1, 2, 5, 10) if m * power >= value)
