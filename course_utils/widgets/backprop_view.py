"""The computation graph view: a Value expression with its backward pass revealed node by node (see backprop for
the state and the picture).

    f = (x + y) * z
    BackwardStepsView(f)

Controls: a slider over the steps of the backward pass (0 = forward pass only), "back" and "next" buttons, and
"run" to play the pass at about two nodes a second.
"""
import html

import ipywidgets as widgets

from ._controls import ErrorPanel, PictureWidget, Runner, button, int_slider
from .backprop import BackwardStepsPicture, BackwardStepsState


class BackwardStepsView:
    """The widget. Arguments are those of :class:`BackwardStepsState` (root, run_backward).

    ``state`` holds the numbers, ``picture`` draws them; ``widget`` is the ipywidgets box.
    """

    def __init__(self, root, run_backward=True):
        self.state = BackwardStepsState(root, run_backward=run_backward)
        self.picture = PictureWidget(BackwardStepsPicture(self.state))
        self.runner = Runner(lambda: self._guarded_next(), interval_ms=500, tooltip="play the backward pass")
        self.errors = ErrorPanel(on_error=self.runner.stop)
        self._guarded_next = self.errors.guard(self._next)
        # each step's picture is cached after its first rendering, so the slider can follow the drag
        self.step = int_slider("backward step", 0, 0, self.state.num_steps, continuous=True, width="420px")
        self.step.observe(self.errors.guard(lambda change: self._show(change.new)), "value")
        back = button("back", "undo the last step of the backward pass", icon="step-backward")
        back.on_click(lambda _: self._move_to(self.state.step - 1))
        forward = button("next", "visit the next node of the backward pass", icon="step-forward")
        forward.on_click(lambda _: self._move_to(self.state.step + 1))
        self.caption = widgets.HTML()
        self.widget = widgets.VBox([self.picture.widget,
                                    widgets.HBox([self.step, back, forward, self.runner.widget]),
                                    self.caption, self.errors.widget])
        self._show(0)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _next(self):
        if self.state.step >= self.state.num_steps:
            self.runner.stop()
            return
        self._move_to(self.state.step + 1)

    def _move_to(self, step):
        self.step.value = min(max(step, 0), self.state.num_steps)   # the slider's observer shows the step

    def _show(self, step):
        self.state.update(step)
        self.picture.refresh()
        self.caption.value = f"<div style='font-size:13px'>{html.escape(self.state.describe())}</div>"
