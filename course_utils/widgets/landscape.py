"""The loss landscape explorer's state and picture (no ipywidgets here; the view is landscape_view).

The explorer shows a two-dimensional loss surface (see surfaces: a plane through a classifier's weights W0 with the
student's loss on real data, or a classic test function), the loss along the two axes through the center, and the
paths of optimizers started from the same point, with the loss along each path.

The optimizers are the caller's update rules, ``rule(w, dw, config) -> (next_w, config)`` (CS231n's optim.py
interface: the course's sgd, sgd_momentum and adam). They run on the surface that is shown: on the data plane they
move (u, v), the coordinates of W0 + u d1 + v d2, with the in-plane gradient, so every path lies exactly on the
pictured surface. Each rule gets its own config, starting as {"learning_rate": its learning rate, "momentum": the
momentum}; a rule ignores the keys it does not use.

Costs: the data plane's grid costs R * R calls of the loss (R = data_resolution) and the axes 2 * S more
(S = slice_resolution), once per plane (cached). Each path costs num_steps losses with gradients (six loss calls
each: the value and a numerical gradient; or one loss_grad call) and one more loss. Test functions are closed forms.
"""
from collections import OrderedDict

import numpy as np
from matplotlib.colors import BoundaryNorm

from ._arguments import (check_array, check_choice, check_count, check_function, check_functions, check_labels,
                         check_number)
from ._canvas import FigureImage
from .surfaces import TOY_SURFACES, SlicePlane, filter_normalized_direction, gradient_direction
from ..gradcheck import eval_numerical_gradient

DIRECTIONS = ("random", "gradient")
UPDATABLE = ("surface", "direction", "seed", "span", "reg", "num_steps", "learning_rates", "momentum", "start")
DIVERGENCE_FACTOR = 10.0   # a path that leaves the shown box by this many box sizes has diverged
PATH_COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
CACHED_SURFACES = 8


class LossLandscapeState:
    """The numbers behind the loss landscape explorer.

    Inputs:
    - update_rules: dict name -> rule(w, dw, config) -> (next_w, config), e.g. {"sgd": sgd, "momentum":
      sgd_momentum, "adam": adam}; None or {} shows the surfaces without paths
    - loss_fn, W, X, y, reg, loss_grad: the data plane, all or none (besides loss_grad):
      loss_fn(W, X, y, reg) -> float (the student's loss), W (D, C) the center (the current weights), X (N, D),
      y (N,), reg >= 0, loss_grad(W, X, y, reg) -> (loss, dW) optional (faster in-plane gradients)
    - data_name: the data plane's name in the surface menu
    - surface: the name of the surface shown first (default: the data plane if given, else the first test function)
    - direction: the data plane's first axis, "random" (filter-normalized) or "gradient" (steepest descent from W0);
      the second axis is always random (filter-normalized)
    - seed: seed of the random directions; span: the data plane shows u, v in [-span, span]
    - data_resolution: R, grid points per side on the data plane; slice_resolution: S, points along each axis
    - num_steps: steps of every optimizer; learning_rates: dict name -> learning rate (default: the surface's);
      momentum: given to every rule as config["momentum"]; start: the starting point (default: the surface's)

    Attributes after every update:
    - surface: the surface shown; surface_names: the menu
    - grid_u (R,), grid_v (R,), grid_values (R, R) with grid_values[j, i] the loss at (grid_u[i], grid_v[j])
    - slice_u (S,), slice_v (S,), slice_values (2, S): the loss along the u axis (v = 0) and along the v axis (u = 0)
    - paths: dict name -> (T + 1, 2) points; path_losses: dict name -> (T + 1,); diverged: dict name -> bool.
      T = num_steps unless the path diverged (stopped early) or the rule returned something unusable.
    """

    def __init__(self, update_rules=None, *, loss_fn=None, W=None, X=None, y=None, reg=0.0, loss_grad=None,
                 data_name="data: your loss", surface=None, direction="random", seed=0, span=1.0,
                 data_resolution=17, slice_resolution=25, num_steps=40, learning_rates=None, momentum=0.9,
                 start=None):
        self.update_rules = check_functions("update_rules", update_rules,
                                            "update_rules={'sgd': sgd, 'momentum': sgd_momentum, 'adam': adam}")
        self.data = _data_arguments(loss_fn, W, X, y, loss_grad)
        self.data_name = data_name
        self.surface_names = ((data_name,) if self.data else ()) + tuple(s.name for s in TOY_SURFACES)
        self.direction = check_choice("direction", direction, DIRECTIONS)
        self.seed = check_count("seed", seed, minimum=0)
        self.span = check_number("span", span, low=0.0, low_inclusive=False)
        self.reg = check_number("reg", reg, low=0.0)
        self.data_resolution = check_count("data_resolution", data_resolution, minimum=3)
        self.slice_resolution = check_count("slice_resolution", slice_resolution, minimum=3)
        self.num_steps = check_count("num_steps", num_steps, minimum=1)
        self.momentum = check_number("momentum", momentum, low=0.0, high=1.0)
        self._surfaces = OrderedDict()   # (name, direction, seed, span, reg) -> (surface, grid and slices)
        self._W0_gradient = None
        self.surface_name = check_choice("surface", surface or self.surface_names[0], self.surface_names)
        self._load_surface()
        self.learning_rates = {name: self.surface.learning_rate for name in self.update_rules}
        self.learning_rates.update(self._checked_learning_rates(learning_rates or {}))
        self.start = self._checked_start(self.surface.start if start is None else start)
        self._run_paths()

    # ------------------------------------------------------------------------------------------------ changes

    def update(self, **changes):
        """Change any of surface, direction, seed, span, reg, num_steps, learning_rates (a dict, partial),
        momentum, start (u, v), then recompute what depends on them. Returns the set of names changed.

        A new surface resets the start and the learning rates to the surface's own (unless given in the same call).
        """
        unknown = sorted(set(changes) - set(UPDATABLE))
        if unknown:
            raise TypeError(f"update() got unexpected keyword arguments {unknown}; it accepts {list(UPDATABLE)}")
        changed = {name for name, value in changes.items() if not _same(value, self._current(name))}
        if not changed:
            return changed
        checked = {name: self._validators[name](changes[name]) for name in changed}   # all checked before any is set
        plane_changes = changed & {"direction", "seed", "span", "reg"}
        if "reg" in changed:
            self._W0_gradient = None
        for name, value in checked.items():
            if name not in ("learning_rates", "start"):
                setattr(self, "surface_name" if name == "surface" else name, value)
        surface_before = self.surface
        if "surface" in changed or (plane_changes and self.on_data_plane):
            self._load_surface()
        if "surface" in changed:
            self.learning_rates = {name: self.surface.learning_rate for name in self.update_rules}
            self.start = self.surface.start
        elif self.surface is not surface_before and "span" in changed:
            self.start = tuple(np.clip(self.start, -self.span, self.span))
        if "learning_rates" in changed:
            self.learning_rates.update(checked["learning_rates"])
        if "start" in changed:
            self.start = checked["start"]
        if changed == {"learning_rates"}:
            # a learning rate belongs to one rule: only the paths of the rules whose rate changed are run again
            self._run_paths([name for name in changes["learning_rates"] if name in self.update_rules])
        else:
            self._run_paths()
        return changed

    @property
    def on_data_plane(self):
        return self.surface_name == self.data_name and bool(self.data)

    def _current(self, name):
        if name == "surface":
            return self.surface_name
        if name == "learning_rates":
            return self.learning_rates
        return getattr(self, name)

    @property
    def _validators(self):
        """name -> function returning the checked value of an update (or raising with what to pass)."""
        return {
            "surface": lambda v: check_choice("surface", v, self.surface_names),
            "direction": lambda v: check_choice("direction", v, DIRECTIONS),
            "seed": lambda v: check_count("seed", v, minimum=0),
            "span": lambda v: check_number("span", v, low=0.0, low_inclusive=False),
            "reg": lambda v: check_number("reg", v, low=0.0),
            "num_steps": lambda v: check_count("num_steps", v, minimum=1),
            "momentum": lambda v: check_number("momentum", v, low=0.0, high=1.0),
            "learning_rates": self._checked_learning_rates,
            "start": self._checked_start,
        }

    def _checked_learning_rates(self, learning_rates):
        if not isinstance(learning_rates, dict):
            raise TypeError(f"learning_rates must be a dict mapping a rule's name to its learning rate, "
                            f"e.g. {{'sgd': 0.05}}; got {type(learning_rates).__name__}")
        for name in learning_rates:
            check_choice("a key of learning_rates", name, tuple(self.update_rules))
        return {name: check_number(f"learning_rates[{name!r}]", value, low=0.0, low_inclusive=False)
                for name, value in learning_rates.items()}

    def _checked_start(self, start):
        start = check_array("start", start, (2,), "a point (u, v)")
        return (float(start[0]), float(start[1]))

    # ------------------------------------------------------------------------------------------- surfaces

    def _load_surface(self):
        key = ((self.surface_name, self.direction, self.seed, self.span, self.reg) if self.on_data_plane
               else (self.surface_name,))
        if key not in self._surfaces:
            surface = self._make_data_plane() if self.on_data_plane else _toy_surface(self.surface_name)
            resolution = self.data_resolution if self.on_data_plane else 101
            self._surfaces[key] = (surface, _evaluate(surface, resolution, self.slice_resolution))
            if len(self._surfaces) > CACHED_SURFACES:
                self._surfaces.popitem(last=False)
        self._surfaces.move_to_end(key)
        self.surface, (self.grid_u, self.grid_v, self.grid_values, self.slice_u, self.slice_v,
                       self.slice_values) = self._surfaces[key]

    def _make_data_plane(self):
        loss_fn, W0, X, y, loss_grad = self.data
        rng = np.random.default_rng(self.seed)
        first = filter_normalized_direction(W0, rng)
        second = filter_normalized_direction(W0, rng)
        if self.direction == "gradient":
            first = gradient_direction(self._gradient_at_center(), W0)
        return SlicePlane(loss_fn, W0, first, second, X, y, self.reg, loss_grad=loss_grad, span=self.span,
                          name=self.data_name)

    def _gradient_at_center(self):
        if self._W0_gradient is None:
            loss_fn, W0, X, y, loss_grad = self.data
            if loss_grad is not None:
                self._W0_gradient = np.asarray(loss_grad(W0, X, y, self.reg)[1], dtype=np.float64)
            else:
                self._W0_gradient = eval_numerical_gradient(lambda W: loss_fn(W, X, y, self.reg), W0)
        return self._W0_gradient

    # ---------------------------------------------------------------------------------------------- paths

    def _run_paths(self, names=None):
        """Run the paths of the rules ``names`` (default: all of them) again."""
        if names is None:
            self.paths, self.path_losses, self.diverged = {}, {}, {}
            names = list(self.update_rules)
        for name in names:
            rule = self.update_rules[name]
            config = {"learning_rate": self.learning_rates[name], "momentum": self.momentum}
            path, losses, diverged = follow(rule, self.surface, self.start, self.num_steps, config, name)
            self.paths[name], self.path_losses[name], self.diverged[name] = path, losses, diverged


def follow(rule, surface, start, num_steps, config, name="rule"):
    """Run ``num_steps`` steps of an update rule on a surface from ``start``.

    Returns the points visited (T + 1, 2), the loss at each (T + 1,), and whether the path diverged (left the box
    by DIVERGENCE_FACTOR box sizes or reached a loss that is not finite; it stops there).
    """
    u_min, u_max, v_min, v_max = surface.extent
    size = max(u_max - u_min, v_max - v_min)
    center = np.array([(u_min + u_max) / 2, (v_min + v_max) / 2])
    w = np.array(start, dtype=np.float64)
    points, losses = [w], []
    for _ in range(num_steps):
        loss, dw = surface.loss_and_gradient(w)
        losses.append(loss)
        if not np.isfinite(loss):
            return np.array(points), np.array(losses), True
        result = rule(w.copy(), dw, config)   # a copy: a rule may update w in place
        if not (isinstance(result, tuple) and len(result) == 2):
            raise TypeError(f"update rule {name!r} must return a pair (next_w, config), got {type(result).__name__}")
        next_w, config = result
        w = np.array(next_w, dtype=np.float64)
        if w.shape != (2,):
            raise ValueError(f"update rule {name!r} returned next_w of shape {w.shape} for w of shape (2,)")
        if not np.all(np.isfinite(w)) or np.max(np.abs(w - center)) > DIVERGENCE_FACTOR * size:
            return np.array(points), np.array(losses), True
        points.append(w)
    losses.append(float(surface.values(w[None])[0]))
    return np.array(points), np.array(losses), not np.isfinite(losses[-1])


def _evaluate(surface, resolution, slice_resolution):
    """The surface's values on an R x R grid over its extent, and along its two axes through the center."""
    u_min, u_max, v_min, v_max = surface.extent
    grid_u, grid_v = np.linspace(u_min, u_max, resolution), np.linspace(v_min, v_max, resolution)
    mesh_u, mesh_v = np.meshgrid(grid_u, grid_v)
    grid_values = surface.values(np.column_stack([mesh_u.ravel(), mesh_v.ravel()])).reshape(mesh_u.shape)
    slice_u = np.linspace(u_min, u_max, slice_resolution)
    slice_v = np.linspace(v_min, v_max, slice_resolution)
    along_u = surface.values(np.column_stack([slice_u, np.zeros_like(slice_u)]))
    along_v = surface.values(np.column_stack([np.zeros_like(slice_v), slice_v]))
    return grid_u, grid_v, grid_values, slice_u, slice_v, np.stack([along_u, along_v])


def _toy_surface(name):
    return next(surface for surface in TOY_SURFACES if surface.name == name)


def _same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in b and b[k] == v for k, v in a.items())
    try:
        return bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False


def _data_arguments(loss_fn, W, X, y, loss_grad):
    """(loss_fn, W (D, C), X (N, D), y (N,), loss_grad) checked, or None when no data plane is asked for."""
    given = {"loss_fn": loss_fn, "W": W, "X": X, "y": y}
    if all(value is None for value in given.values()):
        if loss_grad is not None:
            raise ValueError("loss_grad needs the data plane too: pass loss_fn, W, X and y as well")
        return None
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise ValueError(f"the data plane needs loss_fn, W, X and y together; missing: {', '.join(missing)}")
    loss_fn = check_function("loss_fn", loss_fn, "loss_fn=softmax_loss_vectorized")
    if loss_grad is not None:
        check_function("loss_grad", loss_grad, "loss_grad=softmax_loss_grad")
    W = check_array("W", W, (None, None), "the weights at the center of the plane, shape (D, C)")
    X = check_array("X", X, (None, W.shape[0]), f"data with D = {W.shape[0]} features per row, to match W")
    y = check_labels("y", y, len(X))
    if y.size and y.max() >= W.shape[1]:
        raise ValueError(f"y holds the label {y.max()}, but W has only {W.shape[1]} columns (classes)")
    return loss_fn, W, X, y, loss_grad


class LossLandscapePicture:
    """Three panels: the surface with the optimizers' paths, the loss along the two axes, the loss along each path
    (the first two alone when there are no update rules).

    The contours and axes are redrawn only when the surface changes; a new path only moves its line artists.
    """

    def __init__(self, state, dpi=80):
        self.state = state
        self.has_paths = bool(state.update_rules)
        panels = 3 if self.has_paths else 2
        self.image = FigureImage((12.5 if self.has_paths else 8.5, 4.0), dpi)
        figure = self.image.figure
        axes = figure.subplots(1, panels, gridspec_kw={"width_ratios": [1.2, 1, 1][:panels]})
        self.surface_ax, self.slice_ax = axes[:2]
        self.loss_ax = axes[2] if self.has_paths else None
        figure.subplots_adjust(left=0.065 if self.has_paths else 0.09, right=0.985, bottom=0.14, top=0.9, wspace=0.3)
        self.slice_lines = [self.slice_ax.plot([], [], color=colour, lw=1.8, label=label)[0]
                            for colour, label in [("k", "along u (v = 0)"), ("0.55", "along v (u = 0)")]]
        self.contours = []
        self._static = {}
        self._shown_surface = None
        self._shown_steps = None
        if self.has_paths:
            self._make_path_artists()
        self.draw()

    def _make_path_artists(self):
        names = list(self.state.update_rules)
        colours = {name: PATH_COLOURS[k % len(PATH_COLOURS)] for k, name in enumerate(names)}
        self.path_lines = {name: self.surface_ax.plot([], [], "-o", color=colours[name], ms=2.5, lw=1.4,
                                                      label=name)[0] for name in names}
        self.loss_lines = {name: self.loss_ax.plot([], [], color=colours[name], lw=1.6, label=name)[0]
                           for name in names}
        self.start_marker = self.surface_ax.plot([], [], "k*", ms=11, zorder=5)[0]
        self.diverged_text = self.loss_ax.text(0.98, 0.96, "", transform=self.loss_ax.transAxes, ha="right",
                                               va="top", fontsize=9, color="#b00020")
        self.image.animate(*self.path_lines.values(), *self.loss_lines.values(), self.start_marker,
                           self.diverged_text)

    def draw(self):
        state = self.state
        if self._shown_surface is not state.surface:
            self._draw_surface()
        if self.has_paths:
            self._draw_paths()
        return self

    def _draw_paths(self):
        state = self.state
        if self._shown_steps != state.num_steps:
            self.loss_ax.set_xlim(0, state.num_steps)
            self._shown_steps = state.num_steps
            self.image.invalidate()
        for name, line in self.path_lines.items():
            line.set_data(state.paths[name][:, 0], state.paths[name][:, 1])
            self.loss_lines[name].set_data(np.arange(len(state.path_losses[name])), state.path_losses[name])
        self.start_marker.set_data([state.start[0]], [state.start[1]])
        diverged = [name for name, flag in state.diverged.items() if flag]
        self.diverged_text.set_text("diverged: " + ", ".join(diverged) if diverged else "")

    def _draw_surface(self):
        """Show a new surface: its shading and contours, and the loss along the axes.

        They are the picture's scenery (see FigureImage): drawn over the cached axes when the surface changes, then
        cached with them, so that moving a path redraws only the path. The axes' limits move only when the new
        values do not fit them well, so a new plane of the same kind (new random directions) does not redraw the
        axes, ticks and labels either: the slow part of a frame."""
        state, ax = self.state, self.surface_ax
        for artist in self.contours:
            artist.remove()
        levels = contour_levels(state.grid_values)
        # imshow with the contour levels as colour bands looks like contourf and draws several times faster
        shading = ax.imshow(state.grid_values, origin="lower", extent=state.surface.extent, aspect="auto",
                            cmap="viridis_r", norm=BoundaryNorm(levels, ncolors=256), interpolation="bilinear",
                            alpha=0.85, zorder=0)
        lines = ax.contour(state.grid_u, state.grid_v, state.grid_values, levels=levels, colors="k",
                           linewidths=0.4, alpha=0.5, zorder=1)
        self.contours = [shading, lines]
        for line, coordinates, values in zip(self.slice_lines, (state.slice_u, state.slice_v), state.slice_values):
            line.set_data(coordinates, values)
        if self._set_static_parts():
            self.image.invalidate()
        legends = [legend for legend in (ax.get_legend(), self.slice_ax.get_legend()) if legend is not None]
        self.image.set_scenery(*self.contours, *self.slice_lines, *legends)   # legends over shading and lines
        self._shown_surface = state.surface

    def _set_static_parts(self):
        """Set the limits, labels and titles the surface asks for; returns whether any of them changed."""
        state, surface = self.state, self.state.surface
        first_axis = "−gradient" if state.direction == "gradient" else "random d₁"
        on_plane = state.on_data_plane
        slice_low, slice_high = _finite_range(state.slice_values)
        static = {"extent": surface.extent, "title": f"{surface.name}: {surface.formula}",
                  "xlabel": f"u ({first_axis})" if on_plane else "u",
                  "ylabel": "v (random d₂)" if on_plane else "v",
                  "slice_x": (min(state.slice_u[0], state.slice_v[0]), max(state.slice_u[-1], state.slice_v[-1])),
                  "slice_y": stable_limits(self._static.get("slice_y"), slice_low, slice_high)}
        if self.has_paths:
            static["loss_y"] = stable_limits(self._static.get("loss_y"), *_finite_range(state.grid_values))
        if static == self._static:
            return False
        ax = self.surface_ax
        ax.set_xlim(surface.extent[:2])
        ax.set_ylim(surface.extent[2:])
        ax.set_xlabel(static["xlabel"])
        ax.set_ylabel(static["ylabel"])
        ax.set_title(static["title"], fontsize=10)
        if self.has_paths and ax.get_legend() is None:
            ax.legend(loc="lower right", fontsize=8, framealpha=0.8)
        self.slice_ax.set_xlim(static["slice_x"])
        self.slice_ax.set_ylim(static["slice_y"])
        self.slice_ax.set_xlabel("u or v")
        self.slice_ax.set_ylabel("loss")
        self.slice_ax.set_title("loss along the axes through the center", fontsize=10)
        if self.slice_ax.get_legend() is None:
            self.slice_ax.legend(fontsize=8)
        if self.has_paths:
            self.loss_ax.set_ylim(static["loss_y"])
            self.loss_ax.set_xlabel("step")
            self.loss_ax.set_ylabel("loss")
            self.loss_ax.set_title("loss along each path", fontsize=10)
        self._static = static
        return True

    def png(self):
        return self.image.png()


def stable_limits(current, low, high, margin=0.05):
    """Axis limits for data in [low, high]: ``current`` when the data fit in it and fill at least half of it (so
    that a similar picture reuses the drawn axes), else the data's range with a margin on each side."""
    if current is not None:
        bottom, top = current
        if bottom <= low and high <= top and (high - low) >= 0.5 * (top - bottom):
            return current
    pad = margin * (high - low) if high > low else max(abs(high), 1.0) * margin
    return (float(low - pad), float(high + pad))


def _finite_range(values):
    finite = np.asarray(values)[np.isfinite(values)]
    return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)


def contour_levels(values, count=16):
    """Contour levels at quantiles of the finite values, so that every surface shows detail where most of it lies
    (a narrow valley's values span orders of magnitude)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.linspace(0, 1, count)
    levels = np.unique(np.quantile(finite, np.linspace(0, 1, count)))
    return levels if len(levels) > 1 else np.array([levels[0] - 1, levels[0] + 1])
