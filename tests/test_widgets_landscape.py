"""Tests of the loss landscape explorer: directions, surfaces, optimizer paths (with the caller's update rules),
the state's caching and updates, the picture and the view."""
import numpy as np
import pytest

from course_utils.data import flatten_images, load_digits
from course_utils.gradcheck import eval_numerical_gradient
from course_utils.widgets import LossLandscapeExplorer, LossLandscapePicture, LossLandscapeState
from course_utils.widgets.landscape import follow
from course_utils.widgets.surfaces import (NARROW_VALLEY, SADDLE, TOY_SURFACES, TWO_MINIMA, SlicePlane,
                                           filter_normalized_direction, gradient_direction)
from test_widgets_references import UPDATE_RULES, adam, sgd, sgd_momentum, softmax_loss, softmax_loss_grad


@pytest.fixture(scope="module")
def digits():
    """60 digits with a bias column, and weights after a few gradient steps (a realistic center W0)."""
    images, labels = load_digits()
    X = flatten_images(images[:60]) / 16.0
    X = np.column_stack([X - X.mean(axis=0), np.ones(len(X))])
    W = 0.01 * np.random.default_rng(0).standard_normal((X.shape[1], 10))
    for _ in range(20):
        W = W - 0.5 * softmax_loss_grad(W, X, labels[:60], 1e-3)[1]
    return X, labels[:60], W


def data_state(digits, **options):
    X, y, W = digits
    options.setdefault("data_resolution", 7)
    options.setdefault("slice_resolution", 9)
    options.setdefault("num_steps", 5)
    return LossLandscapeState(UPDATE_RULES, loss_fn=softmax_loss, W=W, X=X, y=y, reg=1e-3, **options)


def test_filter_normalized_direction_has_the_weights_column_norms():
    """Does each column of a random direction get the norm of W's column, and the same rng the same direction?"""
    W = np.random.default_rng(0).standard_normal((65, 10)) * np.arange(1, 11)
    d = filter_normalized_direction(W, np.random.default_rng(3))
    np.testing.assert_allclose(np.linalg.norm(d, axis=0), np.linalg.norm(W, axis=0))
    np.testing.assert_array_equal(d, filter_normalized_direction(W, np.random.default_rng(3)))
    W[:, 4] = 0
    with pytest.raises(ValueError, match="W's column 4 is all zeros"):
        filter_normalized_direction(W, np.random.default_rng(3))


def test_gradient_direction_points_downhill_with_the_weights_norm():
    """Is the gradient direction -dW rescaled to the norm of W?"""
    W, dW = np.full((3, 2), 2.0), np.array([[1.0, 0.0], [0.0, -1.0], [2.0, 0.5]])
    d = gradient_direction(dW, W)
    assert np.linalg.norm(d) == pytest.approx(np.linalg.norm(W))
    np.testing.assert_allclose(d / np.linalg.norm(d), -dW / np.linalg.norm(dW))
    with pytest.raises(ValueError, match="norm 0"):
        gradient_direction(np.zeros((3, 2)), W)


@pytest.mark.parametrize("surface", TOY_SURFACES, ids=lambda s: s.name)
def test_test_functions_gradients_match_numerical_gradients(surface):
    """Is each test function's closed-form gradient the gradient of its values?"""
    for point in [np.array(surface.start), np.array([0.3, -0.7])]:
        loss, gradient = surface.loss_and_gradient(point)
        assert loss == pytest.approx(surface.values(point[None])[0])
        numerical = eval_numerical_gradient(lambda p: surface.values(p[None])[0], point)
        np.testing.assert_allclose(gradient, numerical, rtol=1e-6, atol=1e-8)


def test_test_functions_have_the_features_they_are_named_for():
    """Valley curvatures 1 and 30; a saddle at the origin between minima at v = +-sqrt(2); two minima, the left
    one deeper."""
    assert NARROW_VALLEY.values(np.array([[1.0, 0.0], [0.0, 1.0]])).tolist() == [0.5, 15.0]
    assert np.allclose(SADDLE.loss_and_gradient([0.0, 0.0])[1], 0)
    assert SADDLE.values(np.array([[0.0, 0.1]]))[0] < 0 < SADDLE.values(np.array([[0.1, 0.0]]))[0]
    assert np.allclose(SADDLE.loss_and_gradient([0.0, np.sqrt(2)])[1], 0)
    grid = np.column_stack([np.linspace(-2, 2, 4001), np.zeros(4001)])
    values = TWO_MINIMA.values(grid)
    local_minima = np.flatnonzero((values[1:-1] < values[:-2]) & (values[1:-1] < values[2:])) + 1
    assert len(local_minima) == 2
    left, right = local_minima
    assert grid[left, 0] < 0 < grid[right, 0] and values[left] < values[right]


def test_follow_takes_the_rules_steps_and_keeps_their_state():
    """Is a path exactly the rule's iterates, with the config (velocity) carried from step to step?"""
    path, losses, diverged = follow(sgd_momentum, NARROW_VALLEY, (-4.0, 1.0), 4,
                                    {"learning_rate": 0.01, "momentum": 0.9})
    w, config, expected = np.array([-4.0, 1.0]), {"learning_rate": 0.01, "momentum": 0.9}, [np.array([-4.0, 1.0])]
    for _ in range(4):
        w, config = sgd_momentum(w, NARROW_VALLEY.loss_and_gradient(w)[1], config)
        expected.append(w)
    np.testing.assert_allclose(path, expected)
    np.testing.assert_allclose(losses, NARROW_VALLEY.values(np.array(expected)))
    assert not diverged and path.shape == (5, 2) and losses.shape == (5,)


def test_follow_survives_a_rule_that_updates_w_in_place():
    """Does a rule writing into w (w -= ...) leave the earlier points of the path intact?"""
    def in_place_sgd(w, dw, config):
        w -= config["learning_rate"] * dw
        return w, config

    path, _, _ = follow(in_place_sgd, NARROW_VALLEY, (-4.0, 1.0), 3, {"learning_rate": 0.01})
    reference, _, _ = follow(sgd, NARROW_VALLEY, (-4.0, 1.0), 3, {"learning_rate": 0.01})
    np.testing.assert_allclose(path, reference)
    assert len({tuple(point) for point in path}) == 4


def test_follow_stops_a_diverging_path_and_checks_what_the_rule_returns():
    """Does a too-large step end the path as diverged, and a rule returning the wrong thing raise a clear error?"""
    path, losses, diverged = follow(sgd, NARROW_VALLEY, (-4.0, 1.0), 100, {"learning_rate": 0.2})
    assert diverged and len(path) < 101 and len(losses) == len(path)
    with pytest.raises(TypeError, match=r"update rule 'bad' must return a pair \(next_w, config\)"):
        follow(lambda w, dw, config: w, NARROW_VALLEY, (0.0, 1.0), 2, {}, name="bad")
    with pytest.raises(ValueError, match=r"returned next_w of shape \(3,\)"):
        follow(lambda w, dw, config: (np.zeros(3), config), NARROW_VALLEY, (0.0, 1.0), 2, {}, name="bad")


def test_slice_plane_evaluates_the_callers_loss_on_the_plane(digits):
    """Is the plane's value the loss at W0 + u d1 + v d2, and its gradient (numerical, or from loss_grad) the
    projection of dL/dW on d1 and d2?"""
    X, y, W = digits
    rng = np.random.default_rng(1)
    d1, d2 = filter_normalized_direction(W, rng), filter_normalized_direction(W, rng)
    plane = SlicePlane(softmax_loss, W, d1, d2, X, y, 1e-3)
    point = np.array([0.3, -0.2])
    assert plane.values(point[None])[0] == pytest.approx(softmax_loss(W + 0.3 * d1 - 0.2 * d2, X, y, 1e-3))
    _, dW = softmax_loss_grad(W + 0.3 * d1 - 0.2 * d2, X, y, 1e-3)
    projected = [np.sum(dW * d1), np.sum(dW * d2)]
    loss, numerical = plane.loss_and_gradient(point)
    np.testing.assert_allclose(numerical, projected, rtol=1e-6)
    with_grad = SlicePlane(softmax_loss, W, d1, d2, X, y, 1e-3, loss_grad=softmax_loss_grad)
    loss_from_grad, analytic = with_grad.loss_and_gradient(point)
    np.testing.assert_allclose(analytic, projected)
    assert loss_from_grad == pytest.approx(loss)


def test_data_plane_grid_and_slices_are_the_loss_at_their_points(digits):
    """Is every grid value the loss at its (u, v), and each slice the loss along an axis through W0?"""
    X, y, W = digits
    state = data_state(digits)
    plane = state.surface
    assert state.grid_values.shape == (7, 7) and state.slice_values.shape == (2, 9)
    for j, i in [(0, 0), (3, 5), (6, 2)]:
        expected = softmax_loss(plane.weights((state.grid_u[i], state.grid_v[j])), X, y, 1e-3)
        assert state.grid_values[j, i] == pytest.approx(expected)
    assert state.slice_values[0, 4] == pytest.approx(softmax_loss(W, X, y, 1e-3))   # the center, u = v = 0
    assert state.slice_values[1, 0] == pytest.approx(softmax_loss(W - plane.d2, X, y, 1e-3))
    np.testing.assert_allclose(np.linalg.norm(plane.d1, axis=0), np.linalg.norm(W, axis=0))


def test_gradient_direction_lowers_the_loss_along_u(digits):
    """With direction="gradient", does the loss fall from u = 0 to small positive u?"""
    state = data_state(digits, direction="gradient", span=0.2, data_resolution=5, slice_resolution=5)
    along_u = state.slice_values[0]
    assert along_u[3] < along_u[2] < along_u[1]
    X, y, W = digits
    _, dW = softmax_loss_grad(W, X, y, 1e-3)
    cosine = -np.sum(state.surface.d1 * dW) / (np.linalg.norm(state.surface.d1) * np.linalg.norm(dW))
    assert cosine == pytest.approx(1.0, abs=1e-6)


def test_paths_come_from_the_callers_rules_with_their_own_learning_rates(digits):
    """Does each rule get {"learning_rate": its own, "momentum": the slider} and run from the same start?"""
    seen = {}

    def recording(name, rule):
        def wrapped(w, dw, config):
            seen.setdefault(name, dict(config))
            return rule(w, dw, config)
        return wrapped

    rules = {name: recording(name, rule) for name, rule in UPDATE_RULES.items()}
    state = LossLandscapeState(rules, surface="narrow valley", num_steps=3, momentum=0.5,
                               learning_rates={"adam": 0.2})
    assert seen == {"sgd": {"learning_rate": 0.03, "momentum": 0.5},
                    "momentum": {"learning_rate": 0.03, "momentum": 0.5},
                    "adam": {"learning_rate": 0.2, "momentum": 0.5}}
    for path in state.paths.values():
        np.testing.assert_array_equal(path[0], NARROW_VALLEY.start)
    reference, _, _ = follow(adam, NARROW_VALLEY, NARROW_VALLEY.start, 3, {"learning_rate": 0.2, "momentum": 0.5})
    np.testing.assert_allclose(state.paths["adam"], reference)


def test_updates_recompute_paths_and_reset_them_for_a_new_surface():
    """Does a learning rate run only its rule's path again, and a new surface bring its start and learning rates?"""
    calls = []
    rules = {name: (lambda w, dw, config, name=name, rule=rule: calls.append(name) or rule(w, dw, config))
             for name, rule in UPDATE_RULES.items()}
    state = LossLandscapeState(rules, surface="narrow valley", num_steps=10)
    before = {name: path.copy() for name, path in state.paths.items()}
    calls.clear()
    assert state.update(learning_rates={"sgd": 0.05}) == {"learning_rates"}
    assert set(calls) == {"sgd"} and len(calls) == 10
    assert not np.array_equal(state.paths["sgd"], before["sgd"])
    np.testing.assert_array_equal(state.paths["adam"], before["adam"])
    state.update(momentum=0.2, start=(1.0, 1.0), num_steps=4)
    assert state.paths["momentum"].shape == (5, 2) and tuple(state.paths["sgd"][0]) == (1.0, 1.0)
    state.update(surface="two minima")
    assert state.start == TWO_MINIMA.start and set(state.learning_rates.values()) == {TWO_MINIMA.learning_rate}
    assert state.update(surface="two minima") == set()


def test_momentum_carries_a_path_past_the_shallow_minimum():
    """On the two-minima function, does plain SGD stop in the shallow minimum while momentum reaches the deep one
    (the story the widget tells)?"""
    state = LossLandscapeState(UPDATE_RULES, surface="two minima", num_steps=150,
                               learning_rates={"sgd": 0.02, "momentum": 0.02}, momentum=0.9)
    assert state.paths["sgd"][-1][0] > 0.5
    assert state.paths["momentum"][-1][0] < -0.5


def test_planes_are_cached_and_the_gradient_at_the_center_computed_once(digits):
    """Does switching back to an earlier plane cost no loss calls, and is the center's gradient reused?"""
    X, y, W = digits
    calls = []

    def counting_loss(W_, X_, y_, reg):
        calls.append(1)
        return softmax_loss(W_, X_, y_, reg)

    state = LossLandscapeState({}, loss_fn=counting_loss, W=W, X=X, y=y, data_resolution=3, slice_resolution=3)
    state.update(surface="saddle")
    count = len(calls)
    state.update(surface="data: your loss")
    assert len(calls) == count
    state.update(direction="gradient")
    after_gradient = len(calls)
    assert after_gradient - count == 2 * W.size + 1 + 9 + 6    # numerical gradient at W0, grid, slices
    state.update(seed=1)
    assert len(calls) - after_gradient == 9 + 6


def test_state_without_data_or_rules(digits):
    """Without data only the test functions are offered; without rules there are no paths; half the data is an error."""
    state = LossLandscapeState()
    assert state.surface_names == ("narrow valley", "saddle", "two minima") and state.paths == {}
    X, y, W = digits
    with pytest.raises(ValueError, match="missing: X, y"):
        LossLandscapeState(UPDATE_RULES, loss_fn=softmax_loss, W=W)
    with pytest.raises(ValueError, match=r"X must have shape \(any, 65\)"):
        LossLandscapeState(UPDATE_RULES, loss_fn=softmax_loss, W=W, X=X[:, :64], y=y)
    with pytest.raises(ValueError, match="learning_rates must be one of"):
        LossLandscapeState(UPDATE_RULES, learning_rates={"nesterov": 0.1})
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['lr'\]"):
        state.update(lr=0.1)
    with pytest.raises(ValueError, match=r"num_steps must be a whole number >= 1, got 0"):
        state.update(surface="saddle", num_steps=0)
    assert state.surface_name == "narrow valley"      # nothing is set when one value is wrong


def test_picture_redraws_paths_and_surfaces(digits):
    """Does the picture show the paths' points, and change when a learning rate or the surface changes?"""
    state = data_state(digits)
    picture = LossLandscapePicture(state)
    first = picture.png()
    np.testing.assert_array_equal(picture.path_lines["adam"].get_xydata(), state.paths["adam"])
    state.update(learning_rates={"sgd": 0.9})
    picture.draw()
    second = picture.png()
    assert second != first
    contours = picture.contours
    state.update(surface="saddle")
    picture.draw()
    assert picture.contours is not contours and picture.png() != second
    assert picture.surface_ax.get_xlim() == SADDLE.extent[:2]


def test_does_a_new_plane_reuse_the_drawn_axes_and_still_show_what_a_full_drawing_shows(digits):
    """New random directions change the surface but (mostly) not the axes: is the cached background kept, and is
    the frame the picture a full drawing gives?"""
    from test_widgets_shared import assert_same_picture

    state = data_state(digits, data_resolution=9, slice_resolution=9)
    picture = LossLandscapePicture(state)
    frames = [picture.png()]
    background = picture.image._background
    kept = 0
    for seed in range(1, 5):
        state.update(seed=seed)
        picture.draw()
        frames.append(picture.png())
        kept += picture.image._background is background
        background = picture.image._background
        assert_same_picture(frames[-1], picture.image)
    assert len(set(frames)) == len(frames)
    assert kept >= 2
    low, high = picture.slice_ax.get_ylim()
    assert low <= np.min(state.slice_values) and np.max(state.slice_values) <= high


def test_view_controls_follow_the_surface(digits):
    """Does the surface menu switch surfaces, hide the data controls for test functions, and move the start sliders'
    ranges; do the learning-rate sliders drive their rule?"""
    X, y, W = digits
    view = LossLandscapeExplorer(UPDATE_RULES, loss_fn=softmax_loss, W=W, X=X, y=y, loss_grad=softmax_loss_grad,
                                 data_resolution=5, slice_resolution=5, num_steps=5)
    image = view.picture.widget.value
    view.learning_rates["momentum"].value = 0.5
    assert view.state.learning_rates["momentum"] == pytest.approx(0.5) and view.picture.widget.value != image
    view.surface.value = "narrow valley"
    assert view.data_controls.layout.display == "none"
    assert (view.start_u.min, view.start_u.max) == NARROW_VALLEY.extent[:2]
    assert view.start_u.value == NARROW_VALLEY.start[0]
    assert view.learning_rates["sgd"].value == pytest.approx(NARROW_VALLEY.learning_rate)
    view.start_v.value = -1.5
    assert view.state.start == (NARROW_VALLEY.start[0], -1.5)
    view.surface.value = "data: your loss"
    assert view.data_controls.layout.display == ""


def test_without_update_rules_only_the_surface_and_its_axes_are_shown(digits):
    """Notebook 03 has no update rules yet: does the picture drop the paths' panel and the view their controls?"""
    X, y, W = digits
    view = LossLandscapeExplorer(loss_fn=softmax_loss, W=W, X=X, y=y, data_resolution=5, slice_resolution=5)
    assert len(view.picture.picture.image.figure.axes) == 2 and not view.picture.picture.has_paths
    assert len(view.widget.children[1].children) == 1
    image = view.picture.widget.value
    view.direction.value = "gradient"
    assert view.state.direction == "gradient" and view.picture.widget.value != image
