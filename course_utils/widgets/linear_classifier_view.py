"""The linear classifier playground: the CS231n linear classification demo, inside the notebook, run by the
student's own functions (see linear_classifier for the state and the picture).

    playground = LinearClassifierPlayground(X, y, score_fn=linear_scores, predict_fn=predict_labels,
                                            losses={"hinge": svm_loss_vectorized, "softmax": softmax_loss_vectorized},
                                            add_bias_fn=add_bias_dimension)
    playground      # last line of a cell: shows the widget

Controls: a slider for every entry of W and b; the loss (hinge or softmax); the regularization strength; the
learning rate; "step" (one gradient-descent step), "run"/"stop" (steps every 0.2 s) and "reset". Shown: the regions,
each class's zero-score line and weight vector, the total loss and accuracy, the gradient of every parameter, and a
table of every point's scores and loss.
"""
import ipywidgets as widgets
import numpy as np

from ._controls import (ErrorPanel, PictureWidget, Runner, button, coloured, float_slider, html_table, log_slider,
                        set_slider)
from .linear_classifier import LinearClassifierPicture, LinearClassifierState

WEIGHT_RANGE = 5.0  # initial slider range for W and b entries; widened when gradient steps go further


class LinearClassifierPlayground:
    """The widget. Arguments are those of :class:`LinearClassifierState`, plus ``class_names`` (C strings).

    ``state`` holds the numbers, ``picture`` draws them; ``widget`` is the ipywidgets box (shown when the playground
    is the last expression of a cell).
    """

    def __init__(self, X, y, score_fn, predict_fn, losses=None, loss_grads=None, *, class_names=None,
                 **state_options):
        self.state = LinearClassifierState(X, y, score_fn, predict_fn, losses, loss_grads, **state_options)
        self.picture = PictureWidget(LinearClassifierPicture(self.state))
        self.class_names = [str(c) for c in (class_names or range(self.state.num_classes))]
        self.runner = Runner(lambda: self._guarded_step(), interval_ms=200)
        self.errors = ErrorPanel(on_error=self.runner.stop)
        self._guarded_step = self.errors.guard(self._step)
        self._syncing = False
        self.weight_sliders = self._weight_sliders()
        self.summary = widgets.HTML()
        self.gradient_table = widgets.HTML()
        self.point_table = widgets.HTML()
        self.widget = widgets.VBox([
            widgets.HBox([self.picture.widget, self._parameter_panel()]),
            self._training_panel(),
            self.errors.widget,
            widgets.HBox([widgets.VBox([self.summary, self.gradient_table]), self.point_table],
                         layout=widgets.Layout(grid_gap="24px")),
        ])
        self._show_numbers()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # -------------------------------------------------------------------------------------------- controls

    def _weight_sliders(self):
        """One slider per entry of W (2, C) and b (C,), keyed ("W", (row, c)) or ("b", c)."""
        sliders = {}
        for c in range(self.state.num_classes):
            for key, label, value in [(("W", (0, c)), f"W[0, {c}] (w₁)", self.state.W[0, c]),
                                      (("W", (1, c)), f"W[1, {c}] (w₂)", self.state.W[1, c]),
                                      (("b", c), f"b[{c}]", self.state.b[c])]:
                # continuous: one change costs ~1 ms of the student's functions plus ~20 ms of drawing
                slider = float_slider(label, float(value), -WEIGHT_RANGE, WEIGHT_RANGE, 0.01, continuous=True)
                slider.observe(self.errors.guard(lambda change, key=key: self._entry_changed(key, change.new)),
                               "value")
                sliders[key] = slider
        return sliders

    def _parameter_panel(self):
        rows = []
        for c in range(self.state.num_classes):
            colour = self.picture.picture.colours[c]
            rows.append(widgets.HTML(coloured(f"class {self.class_names[c]}", colour)))
            rows.extend(self.weight_sliders[key] for key in [("W", (0, c)), ("W", (1, c)), ("b", c)])
        return widgets.VBox(rows, layout=widgets.Layout(margin="0 0 0 12px"))

    def _training_panel(self):
        state = self.state
        step = button("step", "one gradient-descent step on W and b", icon="step-forward")
        step.on_click(lambda _: self._guarded_step())
        reset = button("reset", "back to the initial W and b", icon="undo")
        reset.on_click(self.errors.guard(lambda _: self._after_change(state.reset())))
        if not state.has_loss:
            return widgets.HBox([reset])
        loss_choice = widgets.ToggleButtons(options=list(state.loss_names), value=state.loss_name,
                                            description="loss", style={"button_width": "80px"})
        loss_choice.observe(self.errors.guard(lambda change: self._apply(loss_name=change.new)), "value")
        reg = log_slider("regularization", max(state.reg, 1e-4), -4, 1)
        reg.observe(self.errors.guard(lambda change: self._apply(reg=change.new)), "value")
        learning_rate = log_slider("learning rate", state.learning_rate, -3, 0)
        learning_rate.observe(self.errors.guard(lambda change: self._apply(learning_rate=change.new)), "value")
        self.loss_controls = {"loss_name": loss_choice, "reg": reg, "learning_rate": learning_rate}
        return widgets.VBox([loss_choice, widgets.HBox([reg, learning_rate]),
                             widgets.HBox([step, self.runner.widget, reset])])

    # ------------------------------------------------------------------------------------------- reactions

    def _entry_changed(self, key, value):
        if not self._syncing:
            name, index = key
            self._after_change(self.state.set_entry(name, index, value))

    def _apply(self, **changes):
        self._after_change(self.state.update(**changes))

    def _step(self):
        self.state.step()
        self._after_change()

    def _after_change(self, _changed=None):
        self._sync_sliders()
        self.picture.refresh()
        self._show_numbers()

    def _sync_sliders(self):
        """Show the state's W and b on the sliders (after a step or a reset) without reacting to it."""
        self._syncing = True
        try:
            for (name, index), slider in self.weight_sliders.items():
                set_slider(slider, float((self.state.W if name == "W" else self.state.b)[index]))
        finally:
            self._syncing = False

    def _show_numbers(self):
        state = self.state
        self.summary.value = summary_html(state)
        self.gradient_table.value = gradient_table_html(state, self.class_names) if state.has_loss else ""
        self.point_table.value = point_table_html(state, self.class_names, self.picture.picture.colours)


def summary_html(state):
    text = f"accuracy <b>{state.accuracy:.0%}</b> ({int(np.sum(~state.misclassified))} of {len(state.y)} points)"
    if state.has_loss:
        regularization = state.total_loss - state.data_loss
        text = (f"{state.loss_name} loss <b>{state.total_loss:.4f}</b> = data loss {state.data_loss:.4f} "
                f"+ regularization {regularization:.4f} &nbsp;&nbsp; " + text
                + f" &nbsp;&nbsp; steps taken: {state.iteration}")
    return f"<div style='font-size:13px'>{text}</div>"


def gradient_table_html(state, class_names):
    header = ["gradient"] + [f"class {name}" for name in class_names]
    rows = [[f"dL/dW[{r}, c]"] + [f"{value:+.4f}" for value in state.dW[r]] for r in range(2)]
    rows.append(["dL/db[c]"] + [f"{value:+.4f}" for value in state.db])
    return html_table(header, rows)


def point_table_html(state, class_names, colours):
    header = ["x₁", "x₂", "y"] + [f"score {name}" for name in class_names] + ["predicted"]
    if state.has_loss:
        header.append("loss")
    rows = []
    for i, (point, label) in enumerate(zip(state.X, state.y)):
        mark = "✓" if not state.misclassified[i] else "✗"
        row = [f"{point[0]:+.2f}", f"{point[1]:+.2f}", coloured(class_names[label], colours[label])]
        row += [f"{score:+.3f}" for score in state.scores[i]]
        predicted = state.predictions[i]
        row.append(f"{class_names[predicted] if 0 <= predicted < len(class_names) else '?'} {mark}")
        if state.has_loss:
            row.append(f"{state.point_losses[i]:.3f}")
        rows.append(row)
    return html_table(header, rows)
