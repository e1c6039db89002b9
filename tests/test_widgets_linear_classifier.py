"""Tests of the linear classifier playground: its state (numbers from the caller's functions), picture and view."""
import numpy as np
import pytest

from course_utils.data import make_blobs
from course_utils.gradcheck import eval_numerical_gradient
from course_utils.widgets import LinearClassifierPicture, LinearClassifierPlayground, LinearClassifierState
from course_utils.widgets.linear_classifier import zero_score_line
from test_widgets_references import (add_bias_dimension, linear_scores, predict_labels, softmax_loss,
                                     softmax_loss_grad, svm_loss)

LOSSES = {"hinge": svm_loss, "softmax": softmax_loss}


@pytest.fixture
def data():
    return make_blobs(5, 3, noise=0.6, seed=1)


@pytest.fixture
def state(data):
    X, y = data
    W = np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -1.0]])
    return LinearClassifierState(X, y, linear_scores, predict_labels, LOSSES, add_bias_fn=add_bias_dimension, W=W,
                                 b=np.array([0.1, 0.0, -0.2]), reg=0.05, learning_rate=0.2, resolution=40)


def test_scores_predictions_and_accuracy_come_from_the_callers_functions(state, data):
    """Are scores, predictions and accuracy those of score_fn and predict_fn at the current W, b?"""
    X, y = data
    np.testing.assert_allclose(state.scores, X @ state.W + state.b)
    np.testing.assert_array_equal(state.predictions, np.argmax(X @ state.W + state.b, axis=1))
    assert state.accuracy == pytest.approx(np.mean(state.predictions == y))
    np.testing.assert_array_equal(state.misclassified, state.predictions != y)


def test_regions_hold_the_prediction_at_every_grid_cell(state):
    """Does region_labels[j, i] hold the predicted class at the grid point of row j, column i?"""
    expected = np.argmax(state.grid.points @ state.W + state.b, axis=1).reshape(state.grid.shape)
    np.testing.assert_array_equal(state.region_labels, expected)
    # row 0 is the bottom of the box, column 0 its left side
    x_min, _, y_min, _ = state.grid.extent
    assert state.grid.points[0, 0] > x_min and state.grid.points[0, 1] > y_min
    assert state.grid.points[1, 0] > state.grid.points[0, 0] and state.grid.points[1, 1] == state.grid.points[0, 1]


def test_losses_use_the_bias_trick_layout(state, data):
    """Is the total loss the caller's loss on [W; b] and [X, 1], the data loss the same with reg = 0, and each
    point's loss the loss of that point alone?"""
    X, y = data
    W_with_b = np.vstack([state.W, state.b])
    assert state.total_loss == pytest.approx(svm_loss(W_with_b, add_bias_dimension(X), y, 0.05))
    assert state.data_loss == pytest.approx(svm_loss(W_with_b, add_bias_dimension(X), y, 0.0))
    X_ext = add_bias_dimension(X)
    for i in (0, 7, 14):
        assert state.point_losses[i] == pytest.approx(svm_loss(W_with_b, X_ext[i:i + 1], y[i:i + 1], 0.0))
    assert np.mean(state.point_losses) == pytest.approx(state.data_loss)


def test_gradients_are_numerical_gradients_of_the_loss(state, data):
    """Without a loss_grad, are dW and db the numerical gradient of the caller's loss (agreeing with the analytic
    softmax gradient)?"""
    X, y = data
    state.update(loss_name="softmax")
    _, analytic = softmax_loss_grad(np.vstack([state.W, state.b]), add_bias_dimension(X), y, 0.05)
    np.testing.assert_allclose(state.dW, analytic[:2], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(state.db, analytic[2], rtol=1e-6, atol=1e-9)


def test_a_loss_grad_gives_the_gradient_without_numerical_differences(data):
    """With loss_grads, is dW the caller's dW and the loss called only by the per-point and data losses?"""
    X, y = data
    calls = []

    def counting_grad(W, X_, y_, reg):
        calls.append(len(y_))
        return softmax_loss_grad(W, X_, y_, reg)

    state = LinearClassifierState(X, y, linear_scores, predict_labels, loss_grads={"softmax": counting_grad},
                                  add_bias_fn=add_bias_dimension)
    assert state.loss_names == ("softmax",)
    _, expected = softmax_loss_grad(np.vstack([state.W, state.b]), add_bias_dimension(X), y, state.reg)
    np.testing.assert_array_equal(state.dW, expected[:2])
    # one call for the total loss and gradient, one for the data loss, one per point: no numerical gradient
    assert sorted(calls) == [1] * len(y) + [len(y), len(y)]


def test_changes_recompute_only_what_depends_on_them(state):
    """Does a new reg change the loss but not the scores, and a new W both? Does an unchanged value report nothing?"""
    scores, loss = state.scores.copy(), state.total_loss
    assert state.update(reg=0.5) == {"reg"}
    np.testing.assert_array_equal(state.scores, scores)
    assert state.total_loss > loss
    assert state.set_entry("W", (0, 1), 2.0) == {"W"}
    assert state.W[0, 1] == 2.0
    assert not np.allclose(state.scores, scores)
    assert state.update(W=state.W.copy()) == set()
    assert state.set_entry("b", 2, 1.5) == {"b"} and state.b[2] == 1.5


def test_a_gradient_step_moves_against_the_gradient_and_lowers_the_loss(state):
    """Does step() set W <- W - learning_rate * dW (and b alike), count the step, and lower the softmax loss?"""
    state.update(loss_name="softmax")
    W, b, dW, db, loss = state.W.copy(), state.b.copy(), state.dW.copy(), state.db.copy(), state.total_loss
    state.step()
    np.testing.assert_allclose(state.W, W - 0.2 * dW)
    np.testing.assert_allclose(state.b, b - 0.2 * db)
    assert state.iteration == 1 and state.total_loss < loss
    state.step(30)
    assert state.iteration == 31 and state.accuracy == 1.0
    state.reset()
    np.testing.assert_array_equal(state.W, W)
    assert state.iteration == 0


def test_inputs_are_not_modified(data):
    """Are the caller's X, W and b left as they were after steps?"""
    X, y = data
    X_before, W, b = X.copy(), np.ones((2, 3)), np.zeros(3)
    state = LinearClassifierState(X, y, linear_scores, predict_labels, LOSSES, add_bias_fn=add_bias_dimension, W=W,
                                  b=b)
    state.step(3)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(W, np.ones((2, 3)))
    np.testing.assert_array_equal(b, np.zeros(3))


def test_without_a_loss_only_the_geometry_is_available(data):
    """Notebook 01 has no loss yet: are the loss fields None, and does step() say what to pass?"""
    X, y = data
    state = LinearClassifierState(X, y, linear_scores, predict_labels)
    assert not state.has_loss and state.total_loss is None and state.dW is None
    with pytest.raises(ValueError, match="losses="):
        state.step()


def test_a_wrong_score_function_is_named_in_the_error(data):
    """Is a score_fn returning transposed scores (C, N) reported with its name and the expected shape?"""
    X, y = data
    with pytest.raises(ValueError, match=r"score_fn returned an array of shape \(3, 15\), expected the scores of X"):
        LinearClassifierState(X, y, lambda X_, W, b: (X_ @ W + b).T, predict_labels)


def test_argument_errors_say_what_to_pass(data):
    """Do bad arguments raise errors naming the argument and the fix?"""
    X, y = data
    with pytest.raises(ValueError, match=r"predict_fn returned shape \(\d+, 3\)"):
        LinearClassifierState(X, y, linear_scores, lambda scores: scores)
    with pytest.raises(TypeError, match="score_fn must be a function, e.g. score_fn=linear_scores"):
        LinearClassifierState(X, y, "linear_scores", predict_labels)
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\)"):
        LinearClassifierState(np.ones((5, 3)), y[:5], linear_scores, predict_labels)
    with pytest.raises(ValueError, match="loss_name must be one of 'hinge', 'softmax'; got 'log'"):
        LinearClassifierState(X, y, linear_scores, predict_labels, LOSSES, add_bias_fn=add_bias_dimension,
                              loss_name="log")
    with pytest.raises(TypeError, match="needs add_bias_fn: pass add_bias_fn=add_bias_dimension"):
        LinearClassifierState(X, y, linear_scores, predict_labels, LOSSES)
    with pytest.raises(ValueError, match="add_bias_fn must keep the two coordinates as the first columns"):
        LinearClassifierState(X, y, linear_scores, predict_labels, LOSSES,
                              add_bias_fn=lambda X_: np.hstack([np.ones((len(X_), 1)), X_]))
    state = LinearClassifierState(X, y, linear_scores, predict_labels, LOSSES, add_bias_fn=add_bias_dimension)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['weights'\]"):
        state.update(weights=np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"W must have shape \(2, 3\)"):
        state.update(reg=2.0, W=np.ones((3, 2)))
    assert state.reg == 0.1                            # nothing is set when one value is wrong
    with pytest.raises(TypeError, match="pass it as a loss_grad"):
        LinearClassifierState(X, y, linear_scores, predict_labels, {"softmax": softmax_loss_grad},
                              add_bias_fn=add_bias_dimension)


def test_zero_score_line_lies_on_the_line_and_crosses_the_box():
    """Do both ends satisfy w . x + b = 0 and lie outside the box (so the drawn line spans it)? None for w = 0?"""
    w, b, extent = np.array([0.5, -2.0]), 0.7, (-3.0, 3.0, -3.0, 3.0)
    xs, ys = zero_score_line(w, b, extent)
    np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, 0.0, atol=1e-12)
    assert np.all(np.maximum(np.abs(xs), np.abs(ys)) > 3.0)
    assert zero_score_line(np.zeros(2), 1.0, extent)[0].size == 0


def test_picture_follows_the_state(state):
    """Does the picture show the state: arrows at W's columns, ringed misclassified points, a new image on change?"""
    picture = LinearClassifierPicture(state)
    first = picture.png()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    for c, arrow in enumerate(picture.arrows):
        np.testing.assert_allclose(arrow.xy, state.W[:, c])
    np.testing.assert_array_equal(picture.points.get_linewidths(), np.where(state.misclassified, 2.0, 0.5))
    state.set_entry("W", (1, 2), 3.0)
    picture.draw()
    assert picture.png() != first
    np.testing.assert_allclose(picture.arrows[2].xy, state.W[:, 2])
    assert "hinge loss" in picture.title.get_text()


def test_view_sliders_buttons_and_run_drive_the_state(data):
    """Does moving a slider change W and the image, do step and run take steps and move the sliders, and does the
    loss choice switch the loss?"""
    X, y = data
    view = LinearClassifierPlayground(X, y, linear_scores, predict_labels, LOSSES, add_bias_fn=add_bias_dimension,
                                      class_names=["a", "b", "c"])
    image = view.picture.widget.value
    view.weight_sliders[("W", (0, 1))].value = 1.25
    assert view.state.W[0, 1] == 1.25 and view.picture.widget.value != image
    view.loss_controls["loss_name"].value = "softmax"
    assert view.state.loss_name == "softmax" and "softmax loss" in view.summary.value
    view.loss_controls["learning_rate"].value = 0.5
    W = view.state.W.copy()
    dW = view.state.dW.copy()
    view._guarded_step()
    np.testing.assert_allclose(view.state.W, W - 0.5 * dW)
    assert view.weight_sliders[("W", (1, 2))].value == pytest.approx(view.state.W[1, 2])
    view.runner.toggle.value = True
    assert view.runner.clock.playing
    for _ in range(3):
        view.runner.clock.value += 1
    assert view.state.iteration == 4
    view.runner.stop()
    view.runner.clock.value += 1
    assert view.state.iteration == 4 and not view.runner.clock.playing
    assert "class a" in view.point_table.value or "score a" in view.point_table.value
    assert "dL/db[c]" in view.gradient_table.value


def test_view_shows_an_error_of_the_students_loss_and_stops_running(data):
    """Does an exception in the student's loss appear in the widget (not only in the log) and stop "run"?"""
    X, y = data

    def broken_loss(W, X_, y_, reg):
        if reg > 0.5:
            raise ValueError("shapes (3,) and (2,) not aligned")
        return svm_loss(W, X_, y_, reg)

    view = LinearClassifierPlayground(X, y, linear_scores, predict_labels, {"broken": broken_loss},
                                      add_bias_fn=add_bias_dimension, reg=0.1)
    view.runner.toggle.value = True
    view.loss_controls["reg"].value = 1.0
    assert "ValueError: shapes (3,) and (2,) not aligned" in view.errors.widget.value
    assert not view.runner.running
    view.loss_controls["reg"].value = 0.1
    assert view.errors.widget.value == ""


def test_slider_range_widens_for_weights_beyond_it(data):
    """After steps push a weight past the slider's range, does the slider widen instead of clamping the weight?"""
    X, y = data
    view = LinearClassifierPlayground(X, y, linear_scores, predict_labels, LOSSES, add_bias_fn=add_bias_dimension)
    W = view.state.W.copy()
    W[0, 0] = 7.5
    view.state.update(W=W)
    view._after_change()
    slider = view.weight_sliders[("W", (0, 0))]
    assert slider.max >= 7.5 and slider.value == pytest.approx(7.5) and view.state.W[0, 0] == 7.5


def test_numerical_gradient_of_hinge_matches_its_subgradient_away_from_kinks(state, data):
    """Is the hinge gradient shown the derivative of the hinge loss (checked against gradcheck on the same layout)?"""
    X, y = data
    W_with_b = np.vstack([state.W, state.b])
    expected = eval_numerical_gradient(lambda W: svm_loss(W, add_bias_dimension(X), y, 0.05), W_with_b)
    np.testing.assert_allclose(np.vstack([state.dW, state.db]), expected)
