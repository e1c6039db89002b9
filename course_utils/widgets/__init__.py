"""Interactive widgets (ipywidgets 8) that show the student's own code at work.

Each widget takes the graded pieces from the caller (the student's loss, Value, layers, model, update rules), so
course_utils holds no answer; it draws with matplotlib into an ipywidgets.Image (no ipympl, no system binary).

    LinearClassifierPlayground(X, y, score_fn, predict_fn, losses=None, loss_grads=None, add_bias_fn=None, ...)
        notebooks 01, 02: 2-D points of C classes; sliders for every entry of W (2, C) and b (C,); regions,
        zero-score lines, weight arrows, per-point scores and losses, hinge vs softmax, regularization, gradient
        steps (step, run/stop).
    LossLandscapeExplorer(update_rules, loss_fn=None, W=None, X=None, y=None, reg=0.0, loss_grad=None, ...)
        notebooks 03, 05: the loss on a plane through W (filter-normalized random or gradient directions) and on
        test functions (narrow valley, saddle, two minima), with the paths of the caller's update rules.
    BackwardStepsView(root, run_backward=True)
        notebook 04: a Value expression drawn left to right (course_utils.graph_drawing), its backward pass
        revealed node by node.
    MLPPlayground(make_model, update_rules, activations=("relu",), ...)
        notebook 05: a TensorFlow-Playground-like trainer on spiral / circles / XOR: decision regions and
        training / test losses.

Every widget is three layers, each its own object:

- a state (``LinearClassifierState``, ``LossLandscapeState``, ``BackwardStepsState``, ``MLPPlaygroundState``): plain
  numpy, no ipywidgets; ``state.update(**changes)`` applies a change and recomputes what depends on it (this is the
  one interaction to time in a benchmark); ``step()`` where there is training;
- a picture (``...Picture(state)``): matplotlib artists made once; ``draw()`` updates them from the state and
  ``png()`` renders the frame (only the changing artists are redrawn over a cached background);
- the view (the names above): ipywidgets controls bound to the state, showing ``picture.png()`` in an Image.
  ``view.widget`` is the ipywidgets box, and a view shows itself as the last expression of a cell.
"""
from .backprop import BackwardStepsPicture, BackwardStepsState
from .backprop_view import BackwardStepsView
from .landscape import LossLandscapePicture, LossLandscapeState
from .landscape_view import LossLandscapeExplorer
from .linear_classifier import LinearClassifierPicture, LinearClassifierState
from .linear_classifier_view import LinearClassifierPlayground
from .mlp import MLPPlaygroundPicture, MLPPlaygroundState
from .mlp_view import MLPPlayground

__all__ = [
    "LinearClassifierPlayground", "LinearClassifierState", "LinearClassifierPicture",
    "LossLandscapeExplorer", "LossLandscapeState", "LossLandscapePicture",
    "BackwardStepsView", "BackwardStepsState", "BackwardStepsPicture",
    "MLPPlayground", "MLPPlaygroundState", "MLPPlaygroundPicture",
]
