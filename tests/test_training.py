"""Tests for course_utils.training.Trainer, with a small softmax classifier and update rules defined here."""
import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.data import make_blobs
from course_utils.training import Trainer


class SoftmaxClassifier:
    """A linear softmax classifier with the trainer's model interface (params + loss(X, y=None))."""

    def __init__(self, input_dim, num_classes, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {"W": 0.01 * rng.standard_normal((input_dim, num_classes)), "b": np.zeros(num_classes)}
        self.seen = []

    def loss(self, X, y=None):
        rows = X.reshape(len(X), -1)
        scores = rows @ self.params["W"] + self.params["b"]
        if y is None:
            return scores
        self.seen.append(rows.copy())
        shifted = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
        probs[np.arange(len(y)), y] -= 1
        dscores = probs / len(y)
        return loss, {"W": rows.T @ dscores, "b": dscores.sum(axis=0)}


def sgd(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def accuracy(scores, y):
    return float(np.mean(np.argmax(scores, axis=1) == y))


def blob_data(num_points_per_class=40, seed=0):
    X, y = make_blobs(num_points_per_class, num_classes=3, noise=0.4, seed=seed)
    X_val, y_val = make_blobs(20, num_classes=3, noise=0.4, seed=seed + 100)
    return {"X_train": X, "y_train": y, "X_val": X_val, "y_val": y_val}


def make_trainer(model=None, data=None, update_rule=sgd, **options):
    options.setdefault("progress", False)
    options.setdefault("optim_config", {"learning_rate": 0.5})
    return Trainer(model or SoftmaxClassifier(2, 3), data or blob_data(), update_rule, accuracy, **options)


def test_does_training_lower_the_loss_and_fit_separable_data():
    trainer = make_trainer(num_epochs=15, batch_size=20).train()
    assert np.mean(trainer.loss_history[-6:]) < 0.3 * trainer.loss_history[0]
    assert trainer.val_acc_history[0] < 0.8
    assert trainer.best_val_acc >= 0.95


def test_are_histories_recorded_per_iteration_and_per_epoch():
    data = blob_data(num_points_per_class=20)  # 60 examples
    trainer = make_trainer(data=data, batch_size=10, num_epochs=3).train()
    assert trainer.iterations_per_epoch == 6 and trainer.num_iterations == 18
    assert len(trainer.loss_history) == 18 and len(trainer.learning_rate_history) == 18
    assert len(trainer.train_acc_history) == len(trainer.val_acc_history) == 4
    assert trainer.learning_rate_history == [0.5] * 18
    assert trainer.epoch == 3 and trainer.iteration == 18
    assert trainer.history["val_acc"] == trainer.val_acc_history
    assert all(0.0 <= a <= 1.0 for a in trainer.train_acc_history + trainer.val_acc_history)


def test_does_each_epoch_visit_every_example_at_most_once_in_a_new_order():
    data = blob_data(num_points_per_class=8)  # 24 examples, batches of 5: 4 per epoch, 4 examples wait
    data["X_train"] = np.column_stack([np.arange(24.0), np.zeros(24)])  # the first feature names the example
    model = SoftmaxClassifier(2, 3)
    make_trainer(model=model, data=data, batch_size=5, num_epochs=3,
                 optim_config={"learning_rate": 0.0}).train()
    assert len(model.seen) == 12 and all(batch.shape == (5, 2) for batch in model.seen)
    epochs = [np.concatenate(model.seen[4 * e:4 * e + 4])[:, 0] for e in range(3)]
    for seen in epochs:
        assert len(np.unique(seen)) == 20
    assert not np.array_equal(epochs[0], epochs[1])


def test_does_a_batch_larger_than_the_training_set_use_all_of_it():
    model = SoftmaxClassifier(2, 3)
    trainer = make_trainer(model=model, batch_size=1000, num_epochs=2).train()
    assert trainer.num_iterations == 2 and model.seen[0].shape == (120, 2)


def test_is_training_deterministic_given_the_seed():
    first = make_trainer(batch_size=16, num_epochs=2, seed=3).train().loss_history
    again = make_trainer(batch_size=16, num_epochs=2, seed=3).train().loss_history
    other = make_trainer(batch_size=16, num_epochs=2, seed=4).train().loss_history
    assert first == again
    assert first != other


def test_does_each_parameter_get_its_own_config_carried_between_steps():
    calls = []

    def counting_sgd(w, dw, config):
        config["count"] = config.get("count", 0) + 1
        calls.append(id(config))
        return sgd(w, dw, config)

    optim_config = {"learning_rate": 0.1}
    trainer = make_trainer(update_rule=counting_sgd, optim_config=optim_config, batch_size=40, num_epochs=2)
    trainer.train()
    assert [config["count"] for config in trainer.configs.values()] == [6, 6]
    assert trainer.configs["W"] is not trainer.configs["b"]
    assert len(set(calls)) == 2
    assert optim_config == {"learning_rate": 0.1}, "the caller's optim_config must not be modified"


def test_does_a_rule_returning_a_new_config_get_it_back_next_step():
    seen_counts = []

    def rule_with_fresh_config(w, dw, config):
        seen_counts.append(config.get("t", 0))
        return w - 0.1 * dw, {"t": config.get("t", 0) + 1}

    make_trainer(update_rule=rule_with_fresh_config, optim_config=None, batch_size=60, num_epochs=3).train()
    assert seen_counts == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_does_lr_decay_scale_the_learning_rate_once_per_epoch():
    data = blob_data(num_points_per_class=10)  # 30 examples, 3 batches of 10 per epoch
    trainer = make_trainer(data=data, batch_size=10, num_epochs=3, lr_decay=0.5,
                           optim_config={"learning_rate": 0.8}).train()
    assert trainer.learning_rate_history == pytest.approx([0.8] * 3 + [0.4] * 3 + [0.2] * 3)
    assert all(config["learning_rate"] == pytest.approx(0.2) for config in trainer.configs.values())


def test_does_an_lr_schedule_set_the_rate_of_every_iteration():
    data = blob_data(num_points_per_class=10)
    trainer = make_trainer(data=data, batch_size=10, num_epochs=2, lr_schedule=lambda t: 1 / math.sqrt(t + 1),
                           optim_config={"learning_rate": 0.9}).train()
    assert trainer.learning_rate_history == pytest.approx([0.9 / math.sqrt(t + 1) for t in range(6)])


def test_do_decay_and_schedule_need_an_initial_learning_rate():
    with pytest.raises(ValueError, match="optim_config must set it"):
        make_trainer(optim_config={}, lr_decay=0.9)
    with pytest.raises(ValueError, match="optim_config must set it"):
        make_trainer(optim_config=None, lr_schedule=lambda t: 1.0)


def sabotaging_sgd(after_steps):
    """sgd for the first ``after_steps`` calls per parameter, then a rule that zeroes the weights (ruins accuracy)."""
    def rule(w, dw, config):
        config["t"] = config.get("t", 0) + 1
        if config["t"] > after_steps:
            return np.zeros_like(w), config
        return sgd(w, dw, config)
    return rule


def test_are_the_best_parameters_kept_and_restored():
    model = SoftmaxClassifier(2, 3)
    trainer = make_trainer(model=model, update_rule=sabotaging_sgd(30), batch_size=12, num_epochs=6)
    params_dict = model.params
    trainer.train()
    assert trainer.val_acc_history[-1] < trainer.best_val_acc
    assert 1 <= trainer.best_epoch <= 3
    assert model.params is params_dict, "the model's params dict is updated in place, not replaced"
    for name, value in trainer.best_params.items():
        np.testing.assert_array_equal(model.params[name], value)
        assert model.params[name] is not value, "the model gets a copy of the best parameters"
    assert trainer.check_accuracy(trainer.X_val, trainer.y_val) == trainer.best_val_acc


def test_does_restore_best_false_keep_the_last_parameters():
    model = SoftmaxClassifier(2, 3)
    trainer = make_trainer(model=model, update_rule=sabotaging_sgd(30), batch_size=12, num_epochs=6,
                           restore_best=False).train()
    assert trainer.check_accuracy(trainer.X_val, trainer.y_val) == trainer.val_acc_history[-1]
    assert trainer.val_acc_history[-1] < trainer.best_val_acc


def test_does_a_diverging_loss_stop_training_with_a_reason(capsys):
    class Exploding(SoftmaxClassifier):
        def loss(self, X, y=None):
            result = super().loss(X, y)
            if y is not None and len(self.seen) == 4:
                return math.inf, result[1]
            return result

    trainer = make_trainer(model=Exploding(2, 3), batch_size=20, num_epochs=5).train()
    assert trainer.iteration == 3 and len(trainer.loss_history) == 4
    assert "learning rate" in trainer.stop_reason and "iteration 4" in trainer.stop_reason
    assert "Training stopped early" in capsys.readouterr().out
    assert "stopped early" in repr(trainer)


def test_does_training_leave_the_data_untouched():
    data = blob_data()
    copies = {key: value.copy() for key, value in data.items()}
    for value in data.values():
        value.flags.writeable = False
    make_trainer(data=data, batch_size=16, num_epochs=2).train()
    for key in data:
        np.testing.assert_array_equal(data[key], copies[key])


def test_are_image_shaped_examples_passed_through_unchanged():
    data = blob_data()
    images = {**data, "X_train": np.repeat(data["X_train"][:, None, :], 3, axis=1),
              "X_val": np.repeat(data["X_val"][:, None, :], 3, axis=1)}
    model = SoftmaxClassifier(6, 3)
    make_trainer(model=model, data=images, batch_size=30, num_epochs=1).train()
    assert model.seen[0].shape == (30, 6)


def test_does_check_accuracy_use_the_callers_function_on_a_subsample():
    received = []

    def recording_accuracy(scores, y):
        received.append((scores.shape, y.shape))
        return 0.25

    trainer = Trainer(SoftmaxClassifier(2, 3), blob_data(), sgd, recording_accuracy, progress=False,
                      num_train_samples=50, num_epochs=1, batch_size=60)
    trainer.train()
    assert received[:2] == [((50, 3), (50,)), ((60, 3), (60,))]
    assert trainer.train_acc_history == [0.25, 0.25]


def test_does_step_run_one_iteration():
    trainer = make_trainer(batch_size=30, num_epochs=2)
    loss = trainer.step()
    assert trainer.iteration == 1 and trainer.loss_history == [loss]
    assert trainer.train_acc_history == [], "accuracies are measured at the end of an epoch"


def test_does_print_every_print_the_loss(capsys):
    make_trainer(batch_size=30, num_epochs=2, print_every=4).train()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(")")[0] for line in lines] == ["(iteration 1 / 8", "(iteration 4 / 8", "(iteration 8 / 8"]


def test_is_a_quiet_trainer_silent(capsys):
    make_trainer(batch_size=30, num_epochs=2).train()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_does_plot_draw_the_loss_and_both_accuracies():
    trainer = make_trainer(batch_size=12, num_epochs=3)
    with pytest.raises(RuntimeError, match="train"):
        trainer.plot()
    trainer.train()
    figure = trainer.plot(title="blobs")
    loss_ax, acc_ax = figure.axes
    assert loss_ax.get_xlabel() == "iteration" and acc_ax.get_xlabel() == "epoch"
    assert [line.get_label() for line in acc_ax.get_lines()] == ["train", "val"]
    np.testing.assert_allclose(acc_ax.get_lines()[1].get_ydata(), trainer.val_acc_history)
    plt.close(figure)


def test_does_repr_summarize_progress():
    trainer = make_trainer(batch_size=30, num_epochs=2)
    assert "not started" in repr(trainer)
    trainer.train()
    assert "8 / 8 iterations" in repr(trainer) and "best val accuracy" in repr(trainer)


@pytest.mark.parametrize("options, error, match", [
    ({"update_rule": "sgd"}, TypeError, "not the string 'sgd': pass your sgd"),
    ({"update_rule": 3}, TypeError, "update_rule must be a function"),
    ({"batch_size": 0}, ValueError, "batch_size must be a whole number >= 1"),
    ({"num_epochs": 2.5}, ValueError, "num_epochs must be a whole number >= 1"),
    ({"lr_decay": 0}, ValueError, "lr_decay must be a positive number"),
    ({"lr_schedule": 0.5}, TypeError, "lr_schedule must be a function"),
    ({"optim_config": [("learning_rate", 1)]}, TypeError, "optim_config must be a dict"),
])
def test_are_bad_options_refused_by_name(options, error, match):
    with pytest.raises(error, match=match):
        make_trainer(**options)


def test_are_bad_data_refused_with_what_is_missing():
    data = blob_data()
    with pytest.raises(KeyError, match="missing y_val"):
        make_trainer(data={key: value for key, value in data.items() if key != "y_val"})
    with pytest.raises(ValueError, match="integer class labels"):
        make_trainer(data={**data, "y_train": data["y_train"].astype(float)})
    with pytest.raises(ValueError, match=r"N = len\(data\['y_val'\]\) = 60"):
        make_trainer(data={**data, "X_val": data["X_val"][:10]})
    with pytest.raises(TypeError, match="model.params"):
        Trainer(object(), data, sgd, accuracy)


def test_are_broken_gradients_and_updates_reported_by_name():
    class MissingGrad(SoftmaxClassifier):
        def loss(self, X, y=None):
            result = super().loss(X, y)
            return result if y is None else (result[0], {"W": result[1]["W"]})

    class TransposedGrad(SoftmaxClassifier):
        def loss(self, X, y=None):
            result = super().loss(X, y)
            return result if y is None else (result[0], {"W": result[1]["W"].T, "b": result[1]["b"]})

    with pytest.raises(KeyError, match=r"missing \['b'\]"):
        make_trainer(model=MissingGrad(2, 3)).train()
    with pytest.raises(ValueError, match=r"gradient of W has shape \(3, 2\) but W has shape \(2, 3\)"):
        make_trainer(model=TransposedGrad(2, 3)).train()
    class LossWithoutScores(SoftmaxClassifier):
        def loss(self, X, y=None):
            return super().loss(X, np.zeros(len(X), dtype=int)) if y is None else super().loss(X, y)

    with pytest.raises(TypeError, match=r"without labels must return the scores, an array of shape \(N, C\)"):
        make_trainer(model=LossWithoutScores(2, 3)).train()
    with pytest.raises(TypeError, match="must return \\(next_w, config\\)"):
        make_trainer(update_rule=lambda w, dw, config: w - dw).train()
    with pytest.raises(ValueError, match="keeps its shape"):
        make_trainer(update_rule=lambda w, dw, config: (np.sum(w - dw), config)).train()
