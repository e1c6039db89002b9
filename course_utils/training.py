"""Minibatch training for any model and any update rule: the course's Solver.

The trainer owns the loop and the bookkeeping; every graded piece comes from the caller:

- ``model``: an object with
    - ``model.params``: a dict mapping a parameter name to its array; the trainer replaces the entries as it trains
      (the dict itself is kept, so code holding ``model.params`` sees the new values);
    - ``model.loss(X, y=None)``: for a minibatch X of shape (N, d_1, ..., d_k), the class scores of shape (N, C) when
      ``y`` is None, else ``(loss, grads)`` with ``grads`` a dict keyed like ``params`` (each gradient shaped like its
      parameter).
- ``update_rule(w, dw, config) -> (next_w, config)``: one optimizer step for one parameter array (sgd, sgd_momentum,
  adam, ...). Every parameter gets its own copy of ``optim_config`` and the config the rule returns is passed back to
  it on the next step, so state such as a velocity lives there.
- ``accuracy_fn(scores, y) -> float``: the share of examples whose highest score is the true class, for scores of
  shape (N, C) and labels of shape (N,).

Usage::

    trainer = Trainer(model, data, update_rule=sgd_momentum, accuracy_fn=accuracy_from_scores,
                      optim_config={"learning_rate": 1e-2}, lr_decay=0.95, num_epochs=10, batch_size=100)
    trainer.train()          # a progress bar; returns the trainer
    trainer.plot()           # loss per iteration, train / val accuracy per epoch
    trainer.best_val_acc     # the model now holds the parameters that reached it

``data`` is a mapping with ``X_train``, ``y_train``, ``X_val``, ``y_val`` (arrays; X of shape (N, d_1, ..., d_k),
y integer labels of shape (N,)). An epoch visits every training example once, in minibatches drawn from a fresh
shuffle (``N // batch_size`` minibatches; the remainder waits for the next shuffle). Accuracies are measured before
training and after every epoch; the parameters with the best validation accuracy are kept and put back into the model
at the end. The learning rate at iteration t (counted from 0, in epoch e) is
``optim_config["learning_rate"] * lr_decay ** e * lr_schedule(t)``, with ``lr_schedule`` optional.
"""
import copy
import math
import numbers
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from tqdm.auto import tqdm

from . import plots

DATA_KEYS = ("X_train", "y_train", "X_val", "y_val")


class Trainer:
    """Train ``model`` on ``data`` with minibatches, one ``update_rule`` step per parameter per iteration.

    Inputs (see the module docstring for the model, update rule and accuracy function):
    - model, data, update_rule, accuracy_fn: as described above
    - optim_config: dict of settings given to the update rule (e.g. {"learning_rate": 1e-2}); each parameter gets
      its own copy. Omitted keys take the rule's defaults.
    - lr_decay: factor applied to the learning rate after every epoch (1.0 keeps it constant)
    - lr_schedule: optional function of the iteration t (from 0) returning a factor for the initial learning rate,
      e.g. ``lambda t: 1 / math.sqrt(t + 1)``
    - batch_size: examples per minibatch
    - num_epochs: passes over the training set
    - num_train_samples: training examples used to measure training accuracy (None: all of them)
    - num_val_samples: validation examples used to measure validation accuracy (None: all of them)
    - seed: seed for the shuffles and the accuracy subsamples
    - progress: show a progress bar (tqdm; a widget in notebooks)
    - print_every: print the loss every this many iterations (None: never)
    - restore_best: put the parameters with the best validation accuracy back into the model at the end

    After ``train()``:
    - loss_history: the minibatch loss of every iteration, a list of floats
    - learning_rate_history: the learning rate used at every iteration (None where the rule's default was used)
    - train_acc_history, val_acc_history: accuracies before training and after each epoch (num_epochs + 1 floats)
    - best_val_acc, best_epoch, best_params: the best validation accuracy, when it was reached, and the parameters
    - stop_reason: None, or why training stopped early (a loss that is no longer finite)
    """

    def __init__(self, model, data, update_rule, accuracy_fn, *, optim_config=None, lr_decay=1.0, lr_schedule=None,
                 batch_size=100, num_epochs=10, num_train_samples=1000, num_val_samples=None, seed=0,
                 progress=True, print_every=None, restore_best=True):
        _check_model(model)
        self.model = model
        self.X_train, self.y_train, self.X_val, self.y_val = _check_data(data)
        self.update_rule = _check_function("update_rule", update_rule, "your sgd: update_rule=sgd")
        self.accuracy_fn = _check_function("accuracy_fn", accuracy_fn, "your accuracy function: "
                                           "accuracy_fn=accuracy_from_scores")
        self.optim_config = _check_optim_config(optim_config, lr_decay, lr_schedule)
        self.lr_decay = _check_positive_number("lr_decay", lr_decay)
        if lr_schedule is not None and not callable(lr_schedule):
            raise TypeError(f"lr_schedule must be a function of the iteration t returning a factor, e.g. "
                            f"lambda t: 1 / math.sqrt(t + 1); got {type(lr_schedule).__name__}: {lr_schedule!r}")
        self.lr_schedule = lr_schedule
        self.batch_size = _check_count("batch_size", batch_size)
        self.num_epochs = _check_count("num_epochs", num_epochs)
        self.num_train_samples = _check_optional_count("num_train_samples", num_train_samples)
        self.num_val_samples = _check_optional_count("num_val_samples", num_val_samples)
        self.print_every = _check_optional_count("print_every", print_every)
        self.progress = bool(progress)
        self.restore_best = bool(restore_best)
        self.seed = seed
        self.iterations_per_epoch = max(len(self.y_train) // self.batch_size, 1)
        self.num_iterations = self.num_epochs * self.iterations_per_epoch
        self.reset()

    def reset(self):
        """Forget any training done so far (histories, optimizer state, shuffles); the model keeps its parameters."""
        self.iteration = 0
        self.epoch = 0
        self.loss_history = []
        self.learning_rate_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.best_val_acc = -math.inf
        self.best_epoch = None
        self.best_params = {}
        self.stop_reason = None
        self.configs = {name: copy.deepcopy(self.optim_config) for name in self.model.params}
        self._shuffle_rng = np.random.default_rng(self.seed)
        self._sample_rng = np.random.default_rng(None if self.seed is None else [self.seed, 1])
        self._order = np.empty(0, dtype=np.int64)

    # ----------------------------------------------------------------------------------------------- training

    def train(self):
        """Run the remaining iterations of ``num_epochs`` epochs; returns the trainer (for chaining)."""
        if not self.train_acc_history:
            self._record_accuracies()
        with tqdm(total=self.num_iterations, initial=self.iteration, desc="training", unit="it",
                  disable=not self.progress) as bar:
            while self.iteration < self.num_iterations and self.stop_reason is None:
                loss = self.step()
                bar.update(1)
                bar.set_postfix(self._postfix(loss), refresh=False)
        if self.stop_reason is not None:
            print(f"Training stopped early: {self.stop_reason}")
        if self.restore_best and self.best_params:
            self.model.params.update(copy.deepcopy(self.best_params))
        return self

    def step(self):
        """One iteration: a minibatch, its loss and gradients, one update per parameter. Returns the loss.

        At the end of an epoch it also decays the learning rate and measures accuracies.
        """
        X_batch, y_batch = self._next_batch()
        loss, grads = self._loss_and_grads(X_batch, y_batch)
        self.loss_history.append(loss)
        if not math.isfinite(loss):
            self.stop_reason = (f"the loss became {loss} at iteration {self.iteration + 1}; the learning rate is "
                                "probably too high (or the weights too large)")
            return loss
        self.learning_rate_history.append(self._set_learning_rates())
        for name, dw in grads.items():
            self.model.params[name], self.configs[name] = self._update(name, self.model.params[name], dw)
        self.iteration += 1
        if self.print_every and (self.iteration % self.print_every == 0 or self.iteration == 1):
            print(f"(iteration {self.iteration} / {self.num_iterations}) loss: {loss:.6f}")
        if self.iteration % self.iterations_per_epoch == 0:
            self.epoch += 1
            self._record_accuracies()
        return loss

    def _next_batch(self):
        position = (self.iteration % self.iterations_per_epoch) * self.batch_size
        if position == 0:
            self._order = self._shuffle_rng.permutation(len(self.y_train))
        indices = self._order[position:position + self.batch_size]
        return self.X_train[indices], self.y_train[indices]

    def _loss_and_grads(self, X_batch, y_batch):
        result = self.model.loss(X_batch, y_batch)
        if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], Mapping)):
            raise TypeError(f"model.loss(X, y) must return (loss, grads) with grads a dict keyed like model.params; "
                            f"got {_describe(result)}")
        loss, grads = result
        try:
            loss = float(loss)
        except (TypeError, ValueError):
            raise TypeError(f"model.loss(X, y) returned a loss that is not a number: {_describe(loss)}") from None
        missing = sorted(set(self.model.params) - set(grads))
        extra = sorted(set(grads) - set(self.model.params))
        if missing or extra:
            raise KeyError(f"model.loss(X, y) must return a gradient for every parameter and nothing else: "
                           f"missing {missing}, unexpected {extra} (params: {sorted(self.model.params)})")
        for name, dw in grads.items():
            if np.shape(dw) != np.shape(self.model.params[name]):
                raise ValueError(f"the gradient of {name} has shape {np.shape(dw)} but {name} has shape "
                                 f"{np.shape(self.model.params[name])}: a gradient has its parameter's shape")
        return loss, grads

    def _update(self, name, w, dw):
        result = self.update_rule(w, dw, self.configs[name])
        if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict)):
            raise TypeError(f"update_rule(w, dw, config) must return (next_w, config) with config a dict; for "
                            f"{name} it returned {_describe(result)}")
        next_w, config = result
        if np.shape(next_w) != np.shape(w):
            raise ValueError(f"update_rule returned next_w of shape {np.shape(next_w)} for {name}, whose shape is "
                             f"{np.shape(w)}: the updated parameter keeps its shape")
        return next_w, config

    def _set_learning_rates(self):
        """Put this iteration's learning rate into every config (when decay or a schedule is used); return it."""
        if self.lr_decay == 1.0 and self.lr_schedule is None:
            return self.configs[next(iter(self.configs))].get("learning_rate") if self.configs else None
        rate = self.optim_config["learning_rate"] * self.lr_decay ** self.epoch
        if self.lr_schedule is not None:
            rate *= float(self.lr_schedule(self.iteration))
        for config in self.configs.values():
            config["learning_rate"] = rate
        return rate

    # ------------------------------------------------------------------------------------------- measuring

    def check_accuracy(self, X, y, num_samples=None, batch_size=None):
        """The model's accuracy on (X, y), from ``accuracy_fn`` on scores computed in batches.

        X: examples of shape (N, d_1, ..., d_k); y: labels of shape (N,).
        num_samples: measure on this many random examples only (None: all of them).
        """
        if num_samples is not None and num_samples < len(y):
            chosen = self._sample_rng.choice(len(y), num_samples, replace=False)
            X, y = X[chosen], y[chosen]
        batch_size = batch_size or max(self.batch_size, 1000)
        scores = np.concatenate([self._scores(X[start:start + batch_size]) for start in range(0, len(y), batch_size)])
        return float(self.accuracy_fn(scores, y))

    def _scores(self, X_batch):
        scores = self.model.loss(X_batch)
        if not isinstance(scores, np.ndarray) or scores.ndim != 2 or len(scores) != len(X_batch):
            raise TypeError(f"model.loss(X) without labels must return the scores, an array of shape (N, C) with "
                            f"N = {len(X_batch)}; got {_describe(scores)}")
        return scores

    def _record_accuracies(self):
        train_acc = self.check_accuracy(self.X_train, self.y_train, self.num_train_samples)
        val_acc = self.check_accuracy(self.X_val, self.y_val, self.num_val_samples)
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        if val_acc > self.best_val_acc:
            self.best_val_acc, self.best_epoch = val_acc, self.epoch
            self.best_params = {name: np.array(value, copy=True) for name, value in self.model.params.items()}

    def _postfix(self, loss):
        postfix = {"loss": f"{loss:.4f}"}
        if self.val_acc_history:
            postfix["val_acc"] = f"{self.val_acc_history[-1]:.3f}"
        return postfix

    # --------------------------------------------------------------------------------------------- reporting

    @property
    def history(self):
        """Everything recorded so far, as a dict of lists (and the best epoch and accuracy)."""
        return {"loss": list(self.loss_history), "learning_rate": list(self.learning_rate_history),
                "train_acc": list(self.train_acc_history), "val_acc": list(self.val_acc_history),
                "best_val_acc": self.best_val_acc, "best_epoch": self.best_epoch}

    def plot(self, smooth=None, title=None):
        """Loss per iteration (left) and train / val accuracy per epoch (right). Returns the Figure.

        smooth: moving-average window for the loss (None picks about a tenth of an epoch's worth, at least 1).
        """
        if not self.loss_history:
            raise RuntimeError("nothing to plot yet: call trainer.train() first")
        figure, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
        if smooth is None:
            smooth = max(1, min(len(self.loss_history) // 20, self.iterations_per_epoch))
        plots.curves({"training loss": self.loss_history}, xlabel="iteration", ylabel="loss", ax=loss_ax,
                     smooth=smooth if smooth > 1 else 0)
        plots.curves({"train": self.train_acc_history, "val": self.val_acc_history}, xlabel="epoch",
                     ylabel="accuracy", ax=acc_ax)
        if title:
            figure.suptitle(title)
        figure.tight_layout()
        return figure

    def __repr__(self):
        done = f"{self.iteration} / {self.num_iterations} iterations ({self.epoch} / {self.num_epochs} epochs)"
        if not self.loss_history:
            return f"Trainer: {done}, not started"
        best = (f", best val accuracy {self.best_val_acc:.3f} after epoch {self.best_epoch}"
                if self.best_epoch is not None else "")
        stopped = f"; stopped early: {self.stop_reason}" if self.stop_reason else ""
        return f"Trainer: {done}, last loss {self.loss_history[-1]:.4f}{best}{stopped}"


# ------------------------------------------------------------------------------------------- argument checks

def _check_model(model):
    params = getattr(model, "params", None)
    if not isinstance(params, dict):
        raise TypeError(f"model must have a dict model.params of parameter arrays; got {type(model).__name__} "
                        f"with params = {_describe(params)}")
    if not callable(getattr(model, "loss", None)):
        raise TypeError(f"model must have a method model.loss(X, y=None); {type(model).__name__} has none")


def _check_data(data):
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a dict with keys {', '.join(DATA_KEYS)}; got {type(data).__name__}")
    missing = [key for key in DATA_KEYS if key not in data]
    if missing:
        raise KeyError(f"data is missing {', '.join(missing)}; it needs {', '.join(DATA_KEYS)} "
                       f"(got keys {sorted(data)})")
    arrays = [np.asarray(data[key]) for key in DATA_KEYS]
    for X_key, y_key, X, y in (("X_train", "y_train", arrays[0], arrays[1]), ("X_val", "y_val", arrays[2], arrays[3])):
        if y.ndim != 1 or y.dtype.kind not in "iu":
            raise ValueError(f"data[{y_key!r}] must hold integer class labels of shape (N,); got dtype {y.dtype} "
                             f"and shape {y.shape}")
        if X.ndim < 2 or len(X) != len(y):
            raise ValueError(f"data[{X_key!r}] must have shape (N, d_1, ..., d_k) with N = len(data[{y_key!r}]) "
                             f"= {len(y)}; got shape {X.shape}")
        if len(y) == 0:
            raise ValueError(f"data[{y_key!r}] is empty: the trainer needs at least one example")
    return arrays


def _check_function(name, function, example):
    if isinstance(function, str):
        raise TypeError(f"{name} must be a function, not the string {function!r}: pass {example}")
    if not callable(function):
        raise TypeError(f"{name} must be a function; got {type(function).__name__}: pass {example}")
    return function


def _check_optim_config(optim_config, lr_decay, lr_schedule):
    optim_config = {} if optim_config is None else optim_config
    if not isinstance(optim_config, dict):
        raise TypeError(f"optim_config must be a dict such as {{'learning_rate': 1e-2}}; "
                        f"got {type(optim_config).__name__}")
    if (lr_decay != 1.0 or lr_schedule is not None) and "learning_rate" not in optim_config:
        raise ValueError("lr_decay and lr_schedule scale the initial learning rate, so optim_config must set it: "
                         "e.g. optim_config={'learning_rate': 1e-2}")
    return copy.deepcopy(optim_config)


def _check_positive_number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a positive number (1.0 for none); got {value!r}")
    return float(value)


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1; got {value!r}")
    return int(value)


def _check_optional_count(name, value):
    return None if value is None else _check_count(name, value)


def _describe(value):
    text = repr(value)
    return f"{type(value).__name__}: {text[:80]}{'...' if len(text) > 80 else ''}"
