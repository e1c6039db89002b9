"""The MLP playground (see mlp for the state and the picture).

    MLPPlayground(make_model, {"sgd": sgd, "momentum": sgd_momentum, "adam": adam}, activations=("relu", "tanh"))

Controls: the dataset, the hidden size, the activation, the optimizer, the learning rate, the regularization, the
batch size; "step" (``steps_per_tick`` steps), "run"/"stop" and "restart" (a new model, same settings).
"""
import ipywidgets as widgets

from ._controls import ErrorPanel, PictureWidget, Runner, button, dropdown, int_slider, log_slider
from .mlp import DATASETS, RESTARTS, MLPPlaygroundPicture, MLPPlaygroundState

BATCH_SIZES = (("all", None), ("10", 10), ("30", 30), ("100", 100))


class MLPPlayground:
    """The widget. Arguments are those of :class:`MLPPlaygroundState`, plus ``steps_per_tick``: training steps per
    click of "step" and per tick of "run" (a tick is ~100 ms apart at most).

    ``state`` holds the numbers, ``picture`` draws them; ``widget`` is the ipywidgets box.
    """

    def __init__(self, make_model, update_rules, *, steps_per_tick=10, **state_options):
        self.state = MLPPlaygroundState(make_model, update_rules, **state_options)
        self.steps_per_tick = steps_per_tick
        self.picture = PictureWidget(MLPPlaygroundPicture(self.state))
        self.runner = Runner(lambda: self._guarded_train(), interval_ms=100, tooltip="train until stopped")
        self.errors = ErrorPanel(on_error=self.runner.stop)
        self._guarded_train = self.errors.guard(self._train)
        state = self.state
        self.controls = {
            "dataset": widgets.ToggleButtons(options=list(DATASETS), value=state.dataset, description="data",
                                             style={"button_width": "70px"}),
            "activation": widgets.ToggleButtons(options=list(state.activations), value=state.activation,
                                                description="activation", style={"button_width": "70px"}),
            "optimizer": widgets.ToggleButtons(options=list(state.update_rules), value=state.optimizer,
                                               description="optimizer", style={"button_width": "90px"}),
            # a new hidden size starts a new model: sent on release, so a drag does not restart training 30 times
            "hidden_dim": int_slider("hidden units", state.hidden_dim, 1, 64, continuous=False),
            # the learning rate and regularization only change numbers used by the next step: sent while dragging
            "learning_rate": log_slider("learning rate", state.learning_rate, -4, 0.5),
            "reg": log_slider("regularization", max(state.reg, 1e-5), -5, 0),
            "batch_size": dropdown("batch size", BATCH_SIZES, state.batch_size),
        }
        for name, control in self.controls.items():
            control.observe(self.errors.guard(lambda change, name=name: self._apply(**{name: change.new})), "value")
        step = button("step", f"{steps_per_tick} training steps", icon="step-forward")
        step.on_click(lambda _: self._guarded_train())
        restart = button("restart", "a new model with the same settings", icon="undo")
        restart.on_click(self.errors.guard(lambda _: self._after_change(self.state.restart())))
        c = self.controls
        self.widget = widgets.VBox([
            self.picture.widget,
            widgets.HBox([widgets.VBox([c["dataset"], c["activation"], c["optimizer"]]),
                          widgets.VBox([c["hidden_dim"], c["learning_rate"], c["reg"], c["batch_size"]])]),
            widgets.HBox([step, self.runner.widget, restart]),
            self.errors.widget,
        ])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _apply(self, **changes):
        changed = self.state.update(**changes)
        if changed & set(RESTARTS):   # the others only affect the steps to come: nothing to redraw yet
            self._after_change()

    def _train(self):
        self.state.step(self.steps_per_tick)
        if self.state.diverged:
            self.runner.stop()
        self._after_change()

    def _after_change(self, _state=None):
        self.picture.refresh()
