"""Tests of the MLP playground: training the caller's model with the caller's update rules, the changes that
restart or keep training, the regions, the picture and the view."""
import copy

import numpy as np
import pytest

from course_utils.widgets import MLPPlayground, MLPPlaygroundPicture, MLPPlaygroundState
from test_widgets_references import UPDATE_RULES, TwoLayerNet, make_model, sgd


def new_state(**options):
    options.setdefault("activations", ("relu", "tanh"))
    return MLPPlaygroundState(make_model, UPDATE_RULES, **options)


def test_data_sets_have_their_classes_and_a_separate_test_set():
    """Spiral has 3 classes, circles and XOR 2; is the test set drawn apart from the training set?"""
    for dataset, classes in [("spiral", 3), ("circles", 2), ("xor", 2)]:
        state = new_state(dataset=dataset)
        assert state.num_classes == classes and state.X_train.shape == (100 * classes, 2)
        assert state.X_test.shape == state.X_train.shape and not np.allclose(state.X_test, state.X_train)
        assert state.model.params["W2"].shape == (16, classes)


def test_make_model_receives_the_settings_by_keyword():
    """Is make_model called with input_dim, hidden_dim, num_classes, reg, seed and activation?"""
    calls = []

    def recording(**settings):
        calls.append(settings)
        return make_model(**settings)

    MLPPlaygroundState(recording, UPDATE_RULES, activations=("tanh",), hidden_dim=5, reg=0.01, seed=3,
                       dataset="xor")
    assert calls == [{"input_dim": 2, "hidden_dim": 5, "num_classes": 2, "reg": 0.01, "seed": 3,
                      "activation": "tanh"}]


def test_a_full_batch_step_applies_the_rule_to_every_parameter():
    """Is one step params <- rule(params, grads) with the caller's sgd, and are both losses recorded?"""
    state = new_state(optimizer="sgd", learning_rate=0.3)
    model_before = copy.deepcopy(state.model)
    loss, grads = model_before.loss(state.X_train, state.y_train)
    state.step()
    for name, value in model_before.params.items():
        np.testing.assert_allclose(state.model.params[name], value - 0.3 * grads[name])
    assert state.train_losses == [pytest.approx(loss)]
    assert state.test_losses == [pytest.approx(state.model.loss(state.X_test, state.y_test)[0])]
    assert state.iteration == 1


def test_optimizer_state_is_kept_across_steps_and_learning_rate_changes():
    """Does each parameter keep its velocity from step to step, even when the learning rate changes, and does a new
    optimizer start from fresh configs?"""
    state = new_state(optimizer="momentum", learning_rate=0.05)
    state.step(2)
    velocity = state.configs["W1"]["velocity"].copy()
    state.update(learning_rate=0.01)
    W1, dW1 = state.model.params["W1"].copy(), state.model.loss(state.X_train, state.y_train)[1]["W1"]
    state.step()
    np.testing.assert_allclose(state.model.params["W1"], W1 + 0.9 * velocity - 0.01 * dW1)
    assert state.configs["W1"]["learning_rate"] == 0.01
    state.update(optimizer="adam")
    assert state.configs == {}
    state.step()
    assert state.configs["b2"]["t"] == 1


def test_minibatches_have_the_chosen_size():
    """With batch_size 30, does the model see minibatches of 30 training points, different from step to step?"""
    batches = []

    class Recording(TwoLayerNet):
        def loss(self, X, y=None):
            if y is not None and len(y) != 300:
                batches.append(X.copy())
            return super().loss(X, y)

    state = MLPPlaygroundState(lambda **s: Recording(**s), {"sgd": sgd}, batch_size=30)
    state.step(2)
    assert [len(batch) for batch in batches] == [30, 30]
    assert not np.array_equal(batches[0], batches[1])
    assert all(any(np.all(state.X_train == point, axis=1)) for point in batches[0])


def test_changes_restart_or_keep_training_as_documented():
    """Does a new hidden size restart (new shapes, empty history), a new reg keep the weights, and a new learning
    rate or optimizer keep the history?"""
    state = new_state()
    state.step(5)
    W1 = state.model.params["W1"].copy()
    state.update(reg=0.1)
    np.testing.assert_array_equal(state.model.params["W1"], W1)
    assert state.model.reg == 0.1 and state.iteration == 5
    state.update(learning_rate=0.5, optimizer="adam")
    assert state.iteration == 5 and len(state.train_losses) == 5
    state.update(hidden_dim=7)
    assert state.iteration == 0 and state.train_losses == [] and state.model.params["W1"].shape == (2, 7)
    X_train = state.X_train
    state.update(activation="tanh")
    assert state.model.activation == "tanh" and state.X_train is X_train
    state.update(dataset="circles")
    assert state.num_classes == 2 and state.X_train is not X_train


def test_training_learns_xor_with_the_callers_adam():
    """Does a small tanh network trained with the reference Adam fit XOR (loss well below log 2)?"""
    state = new_state(dataset="xor", activation="tanh", optimizer="adam", learning_rate=0.05, reg=1e-4)
    state.step(150)
    assert state.train_losses[-1] < 0.15 < np.log(2) < state.train_losses[0] + 0.3
    labels = state.refresh_regions()
    assert labels.shape == (80, 80)
    scores = state.model.loss(state.grid.points)
    np.testing.assert_array_equal(labels.ravel(), np.argmax(scores, axis=1))


def test_a_loss_that_blows_up_stops_training():
    """When the loss becomes inf, does training stop there and report it as diverged?"""
    class Exploding(TwoLayerNet):
        def loss(self, X, y=None):
            result = super().loss(X, y)
            if y is None:
                return result
            return (np.inf if self.params["b2"].any() else result[0]), result[1]

    state = MLPPlaygroundState(lambda **s: Exploding(**s), {"sgd": sgd})
    state.step(10)
    assert state.diverged and state.iteration == 2


def test_argument_errors_say_what_to_pass():
    """Are a wrong model, empty rules and unknown settings reported by name?"""
    with pytest.raises(TypeError, match=r"dict \.params and a \.loss"):
        MLPPlaygroundState(lambda **s: object(), UPDATE_RULES)
    with pytest.raises(ValueError, match="update_rules must hold at least one function"):
        MLPPlaygroundState(make_model, {})
    with pytest.raises(ValueError, match="dataset must be one of 'spiral', 'circles', 'xor'"):
        new_state(dataset="moons")
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['hidden'\]"):
        new_state().update(hidden=3)
    with pytest.raises(ValueError, match="activation must be one of 'relu', 'tanh'; got 'elu'"):
        new_state().update(activation="elu")


def test_picture_shows_the_losses_and_regions():
    """Do the loss lines hold the histories, do the axes cover them, and does a step change the picture?"""
    state = new_state()
    picture = MLPPlaygroundPicture(state)
    first = picture.png()
    state.step(40)
    picture.draw()
    assert picture.png() != first
    np.testing.assert_allclose(picture.train_line.get_ydata(), state.train_losses)
    np.testing.assert_allclose(picture.test_line.get_xdata(), np.arange(1, 41))
    assert picture.loss_ax.get_xlim()[1] >= 40 and picture.loss_ax.get_ylim()[1] >= max(state.train_losses)
    assert "step 40" in picture.title.get_text()


def test_view_controls_and_run_train_the_model():
    """Do "run" ticks take steps_per_tick steps, the controls change the state, and an error stop the run?"""
    view = MLPPlayground(make_model, UPDATE_RULES, activations=("relu", "tanh"), steps_per_tick=3)
    image = view.picture.widget.value
    view.runner.toggle.value = True
    view.runner.clock.value += 1
    view.runner.clock.value += 1
    assert view.state.iteration == 6 and view.picture.widget.value != image
    view.controls["learning_rate"].value = 0.2
    view.controls["batch_size"].value = 30
    assert view.state.learning_rate == pytest.approx(0.2) and view.state.batch_size == 30
    view.controls["dataset"].value = "circles"
    assert view.state.dataset == "circles" and view.state.iteration == 0

    def failing_loss(X, y=None):
        raise RuntimeError("shapes not aligned")

    view.state.model.loss = failing_loss
    view.runner.clock.value += 1
    assert "RuntimeError: shapes not aligned" in view.errors.widget.value and not view.runner.running
