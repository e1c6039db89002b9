"""The loss landscape explorer (see landscape for the state and the picture).

    explorer = LossLandscapeExplorer({"sgd": sgd, "momentum": sgd_momentum, "adam": adam},
                                     loss_fn=softmax_loss_vectorized, W=W, X=X_small, y=y_small, reg=1e-3)
    explorer

Controls: the surface (the plane through W on the data, or a test function); for the data plane the first
direction (random or gradient), new random directions and the span; for the paths a learning rate per update rule,
the momentum, the number of steps and the starting point.
"""
import ipywidgets as widgets

from ._controls import ErrorPanel, PictureWidget, button, dropdown, float_slider, int_slider, log_slider, set_slider
from .landscape import DIRECTIONS, LossLandscapePicture, LossLandscapeState


class LossLandscapeExplorer:
    """The widget. Arguments are those of :class:`LossLandscapeState`.

    ``state`` holds the numbers, ``picture`` draws them; ``widget`` is the ipywidgets box.
    """

    def __init__(self, update_rules=None, **state_options):
        self.state = LossLandscapeState(update_rules, **state_options)
        self.picture = PictureWidget(LossLandscapePicture(self.state))
        self.errors = ErrorPanel()
        self._syncing = False
        state = self.state
        self.surface = dropdown("surface", state.surface_names, state.surface_name)
        self._react(self.surface, lambda value: {"surface": value})
        self.direction = dropdown("first direction", DIRECTIONS, state.direction)
        self._react(self.direction, lambda value: {"direction": value})
        new_directions = button("new random directions", "draw other random directions", icon="random")
        new_directions.on_click(self.errors.guard(lambda _: self._apply(seed=self.state.seed + 1)))
        # span and the data plane recompute R * R losses (~50 ms at the defaults): sent on release only
        self.span = float_slider("span", state.span, 0.1, 5.0, 0.1, continuous=False)
        self._react(self.span, lambda value: {"span": value})
        self.data_controls = widgets.VBox([self.direction, self.span, new_directions])
        # the paths alone are recomputed by the controls below: num_steps losses and gradients per rule, a few
        # milliseconds on a test function and tens of milliseconds on the data plane, so they follow the drag
        self.learning_rates = {}
        for name in state.update_rules:
            slider = log_slider(f"learning rate: {name}", state.learning_rates[name], -4, 0.5)
            self._react(slider, lambda value, name=name: {"learning_rates": {name: value}})
            self.learning_rates[name] = slider
        self.momentum = float_slider("momentum", state.momentum, 0.0, 0.99, 0.01)
        self._react(self.momentum, lambda value: {"momentum": value})
        self.num_steps = int_slider("steps", state.num_steps, 1, 200)
        self._react(self.num_steps, lambda value: {"num_steps": value})
        self.start_u = float_slider("start u", state.start[0], *state.surface.extent[:2], 0.01)
        self.start_v = float_slider("start v", state.start[1], *state.surface.extent[2:], 0.01)
        self._react(self.start_u, lambda value: {"start": (value, self.state.start[1])})
        self._react(self.start_v, lambda value: {"start": (self.state.start[0], value)})
        columns = [widgets.VBox([self.surface, self.data_controls])]
        if state.update_rules:   # without update rules there are no paths to control
            columns += [widgets.VBox([*self.learning_rates.values(), self.momentum, self.num_steps]),
                        widgets.VBox([self.start_u, self.start_v])]
        self.widget = widgets.VBox([self.picture.widget, widgets.HBox(columns), self.errors.widget])
        self._sync_controls()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _react(self, control, changes_for):
        """Apply ``changes_for(new value)`` to the state whenever the student moves ``control``."""
        def on_change(change):
            if not self._syncing:
                self._apply(**changes_for(change.new))
        control.observe(self.errors.guard(on_change), "value")

    def _apply(self, **changes):
        self.state.update(**changes)
        self._sync_controls()
        self.picture.refresh()

    def _sync_controls(self):
        """Show the state's values on the controls (a new surface brings its own start and learning rates)."""
        state = self.state
        self._syncing = True
        try:
            self.data_controls.layout.display = "" if state.on_data_plane else "none"
            u_min, u_max, v_min, v_max = state.surface.extent
            for slider, low, high, value in [(self.start_u, u_min, u_max, state.start[0]),
                                             (self.start_v, v_min, v_max, state.start[1])]:
                # order matters: a slider refuses a min above its current max
                slider.max, slider.min = max(high, slider.min), low
                slider.max = high
                set_slider(slider, value)
            for name, slider in self.learning_rates.items():
                set_slider(slider, state.learning_rates[name])
        finally:
            self._syncing = False
