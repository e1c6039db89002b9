"""Group 6: the Python-side time of one widget interaction, median and p95 (target: median at most 50 ms).

Each widget is built as its notebook builds it (the cells that show it, with the reference solutions in place of the
student's functions) and each interaction is timed twice, on two identical widgets, in interleaved rounds:

- state: the plain state object's method alone (``state.update(...)``, ``set_entry``, ``step``), numpy only;
- control: the ipywidgets control moved or clicked, which runs everything the kernel does for it (the state, the
  picture's draw and PNG, the HTML tables). This is the time a student waits, less the browser's part.

Slider drags move through a triangle wave of values, so every call changes something (an unchanged value returns
at once). The garbage collector stays on: its pauses are part of what a student sees (the p95).
"""
import itertools
from dataclasses import dataclass

from ..course import reference
from ..results import GroupResult, Row, Target
from ..settings import group_parameters
from ..timing import compare

NAME = "widgets"
TITLE = "6. Widgets: Python-side time per interaction"
FULL = {"repeats": 40, "interactions": None}
QUICK = {"repeats": 4, "interactions": None}
TARGET = Target("value", "<=", 50.0, "median")
WARMUP = 2


@dataclass(frozen=True)
class Interaction:
    """One thing a student does with a widget.

    - make(): a fresh view (the ipywidgets object; its state is view.state)
    - on_state(view, i): the i-th change, applied to the state alone
    - on_control(view, i): the same change made through the control
    - steps_per_view: make a new view after this many changes (None: one view throughout), for views that cache
      what they have shown once
    """

    name: str
    make: object
    on_state: object
    on_control: object
    steps_per_view: int = None


def triangle(low, high, i, period=24):
    """The i-th value of a drag going back and forth between low and high (consecutive values always differ)."""
    phase = (i % period) / period
    return low + (high - low) * (2 * phase if phase < 0.5 else 2 - 2 * phase) + 1e-3 * (i % 2)


def find_button(widget, description):
    """The Button labelled ``description`` somewhere inside an ipywidgets box."""
    import ipywidgets

    if isinstance(widget, ipywidgets.Button) and widget.description == description:
        return widget
    for child in getattr(widget, "children", ()):
        found = find_button(child, description)
        if found is not None:
            return found
    return None


def click(view, description):
    button = find_button(view.widget, description)
    if button is None:
        raise LookupError(f"{type(view).__name__} has no button {description!r}")
    button.click()


# ---------------------------------------------------------------------------------------------- the widgets


def linear_classifier_interactions():
    """Notebook 02's playground: 5 blobs points per class, hinge and softmax losses (numerical gradients)."""
    from course_utils.data import make_blobs
    from course_utils.widgets import LinearClassifierPlayground

    svm_loss, softmax_loss = reference("02_svm_softmax_loss", "svm_loss_vectorized", "softmax_loss_vectorized")
    add_bias_dimension, linear_scores, predict_labels = reference(
        "01_linear_classifier", "add_bias_dimension", "linear_scores", "predict_labels")
    X, y = make_blobs(num_points_per_class=5, num_classes=3, noise=0.6, seed=1)

    def make():
        return LinearClassifierPlayground(X, y, score_fn=linear_scores, predict_fn=predict_labels,
                                          add_bias_fn=add_bias_dimension,
                                          losses={"hinge": svm_loss, "softmax": softmax_loss}, reg=0.1,
                                          learning_rate=0.1)

    def weight(i):
        return triangle(-2.0, 2.0, i)

    return [
        Interaction("02 linear classifier: drag a weight slider", make,
                    lambda view, i: view.state.set_entry("W", (0, 1), weight(i)),
                    lambda view, i: setattr(view.weight_sliders[("W", (0, 1))], "value", weight(i))),
        Interaction("02 linear classifier: gradient step", make,
                    lambda view, i: view.state.step(), lambda view, i: click(view, "step")),
    ]


def digits_for_landscape():
    """Notebook 03's data and trained weights: digits scaled to [0, 1], mean-subtracted; 500 SGD steps."""
    from course_utils.data import flatten_images, load_splits, subtract_mean_image

    softmax_loss_grad, train_linear_classifier = reference("03_gradients", "softmax_loss_grad",
                                                           "train_linear_classifier")
    data = load_splits("digits", seed=0)
    _, X_train = subtract_mean_image(flatten_images(data.X_train) / 16.0)
    W_trained, _ = train_linear_classifier(softmax_loss_grad, X_train, data.y_train, 1.0, 1e-3, 500, 100, seed=0)
    return softmax_loss_grad, W_trained, X_train[:200], data.y_train[:200]


def landscape_interactions():
    """Notebook 03's explorer (the plane through trained weights, no optimizers) and notebook 05's (test functions
    with the reference sgd, sgd_momentum and adam)."""
    from course_utils.widgets import LossLandscapeExplorer

    loss_grad, W, X, y = digits_for_landscape()
    sgd, sgd_momentum, adam = reference("05_mlp", "sgd", "sgd_momentum", "adam")
    rules = {"sgd": sgd, "sgd_momentum": sgd_momentum, "adam": adam}

    def make_data_plane():
        return LossLandscapeExplorer(None, loss_fn=lambda W, X, y, reg: loss_grad(W, X, y, reg)[0],
                                     loss_grad=loss_grad, W=W, X=X, y=y, reg=1e-3)

    def make_valley():
        return LossLandscapeExplorer(rules, surface="narrow valley")

    def learning_rate(i):
        return 10 ** triangle(-3.0, -1.5, i)

    return [
        Interaction("03 loss landscape: new random directions (a new plane)", make_data_plane,
                    lambda view, i: view.state.update(seed=view.state.seed + 1),
                    lambda view, i: click(view, "new random directions")),
        Interaction("05 loss landscape: drag the sgd learning rate", make_valley,
                    lambda view, i: view.state.update(learning_rates={"sgd": learning_rate(i)}),
                    lambda view, i: setattr(view.learning_rates["sgd"], "value", learning_rate(i))),
        Interaction("05 loss landscape: drag the momentum", make_valley,
                    lambda view, i: view.state.update(momentum=triangle(0.5, 0.95, i)),
                    lambda view, i: setattr(view.momentum, "value", round(triangle(0.5, 0.95, i), 2))),
    ]


def backprop_interactions():
    """Notebook 04's view of the notes' sigmoid neuron, built with the reference Value; each step shown once."""
    from course_utils.widgets import BackwardStepsView

    (Value,) = reference("04_backprop", "Value")

    def make():
        w0, x0, w1, x1, w2 = (Value(number, label=name) for name, number in
                              [("w0", 2.0), ("x0", -1.0), ("w1", -3.0), ("x1", -2.0), ("w2", -3.0)])
        z = w0 * x0 + w1 * x1 + w2
        return BackwardStepsView(1 / (1 + (-z).exp()))

    num_steps = make().state.num_steps

    def step(i):
        return i % num_steps + 1

    return [Interaction("04 backward pass: move the step slider (first visit)", make,
                        lambda view, i: view.state.update(step(i)),
                        lambda view, i: setattr(view.step, "value", step(i)), steps_per_view=num_steps)]


def mlp_interactions():
    """Notebook 05's playground: the reference TwoLayerNet on the spiral, Adam, 32 hidden units."""
    from course_utils.widgets import MLPPlayground

    TwoLayerNet, sgd, sgd_momentum, adam = reference("05_mlp", "TwoLayerNet", "sgd", "sgd_momentum", "adam")

    def playground_net(activation, **sizes):
        return TwoLayerNet(weight_scale=0.5, **sizes)

    def make():
        return MLPPlayground(playground_net, {"sgd": sgd, "sgd_momentum": sgd_momentum, "adam": adam},
                             activations=("relu",), dataset="spiral", hidden_dim=32, optimizer="adam",
                             learning_rate=0.03, reg=1e-3)

    def hidden(i):
        return 16 + (i % 2) * 16

    return [
        Interaction("05 MLP playground: 'step' (10 training steps)", make,
                    lambda view, i: view.state.step(view.steps_per_tick), lambda view, i: click(view, "step")),
        Interaction("05 MLP playground: change the hidden size", make,
                    lambda view, i: view.state.update(hidden_dim=hidden(i)),
                    lambda view, i: setattr(view.controls["hidden_dim"], "value", hidden(i))),
    ]


INTERACTION_SETS = (linear_classifier_interactions, backprop_interactions, landscape_interactions,
                    mlp_interactions)


def all_interactions():
    return [interaction for make_set in INTERACTION_SETS for interaction in make_set()]


# -------------------------------------------------------------------------------------------- measuring


def sequence(interaction, action, count):
    """A function of no arguments doing the interaction's next change each call (on fresh views as needed)."""
    per_view = interaction.steps_per_view or count
    views = [interaction.make() for _ in range(-(-count // per_view))]
    counter = itertools.count()

    def next_change():
        i = next(counter)
        action(views[i // per_view], i)
    return next_change


def interaction_rows(interaction, repeats):
    count = repeats + WARMUP
    timings = compare({"state": sequence(interaction, interaction.on_state, count),
                       "control": sequence(interaction, interaction.on_control, count)},
                      repeats, warmup=WARMUP, gc_enabled=True)
    state, control = timings["state"], timings["control"]
    return [
        Row(f"{interaction.name}: state", state.median * 1e3, "ms", target=TARGET, detail=state.describe(),
            timing=state, show_p95=True),
        Row(f"{interaction.name}: control", control.median * 1e3, "ms", control.median / state.median, "state",
            target=TARGET, detail=control.describe(), timing=control, show_p95=True),
    ]


def run(settings, **overrides):
    import matplotlib

    matplotlib.use("Agg")   # the pictures render off screen; no display in a benchmark
    p = group_parameters(FULL, QUICK, settings, overrides)
    interactions = p["interactions"] if p["interactions"] is not None else all_interactions()
    result = GroupResult(NAME, TITLE, parameters={"repeats": p["repeats"], "warmup": WARMUP,
                                                  "interactions": [i.name for i in interactions]})
    for interaction in interactions:
        result.rows += interaction_rows(interaction, p["repeats"])
    result.notes.append(
        f"Each interaction: {p['repeats']} changes timed after {WARMUP} warm-up changes, state and control "
        "interleaved on two identical widgets, garbage collector on. 'control' includes the state's work, the "
        "picture (matplotlib, Agg, PNG at compression level 1) and the HTML tables; the browser's decoding and "
        "the messages to it are not included.")
    return result
