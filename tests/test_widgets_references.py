"""Reference implementations the widget tests pass to the widgets (course_utils carries no graded answer, so the
tests bring their own), and checks that these references are right.

The other widget test modules import them: ``from test_widgets_references import ...``.
"""
import math

import numpy as np

from course_utils.gradcheck import eval_numerical_gradient

# ------------------------------------------------------------------------------------ linear classifier (01-03)


def add_bias_dimension(X):
    return np.hstack([X, np.ones((len(X), 1))])


def linear_scores(X, W, b):
    return X @ W + b


def predict_labels(scores):
    return np.argmax(scores, axis=1)


def svm_loss(W, X, y, reg):
    scores = X @ W
    rows = np.arange(len(y))
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    return float(np.sum(margins) / len(y) + reg * np.sum(W * W))


def softmax_loss(W, X, y, reg):
    shifted = X @ W - np.max(X @ W, axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.mean(log_probabilities[np.arange(len(y)), y]) + reg * np.sum(W * W))


def softmax_loss_grad(W, X, y, reg):
    shifted = X @ W - np.max(X @ W, axis=1, keepdims=True)
    probabilities = np.exp(shifted)
    probabilities /= np.sum(probabilities, axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = -np.mean(np.log(probabilities[rows, y])) + reg * np.sum(W * W)
    probabilities[rows, y] -= 1.0
    return float(loss), X.T @ probabilities / len(y) + 2 * reg * W


# --------------------------------------------------------------------------------------- update rules (05)


def sgd(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    velocity = config["momentum"] * config.get("velocity", np.zeros_like(w)) - config["learning_rate"] * dw
    config["velocity"] = velocity
    return w + velocity, config


def adam(w, dw, config=None):
    config = {} if config is None else config
    for key, default in [("learning_rate", 1e-3), ("beta1", 0.9), ("beta2", 0.999), ("epsilon", 1e-8)]:
        config.setdefault(key, default)
    t = config.get("t", 0) + 1
    m = config["beta1"] * config.get("m", np.zeros_like(w)) + (1 - config["beta1"]) * dw
    v = config["beta2"] * config.get("v", np.zeros_like(w)) + (1 - config["beta2"]) * dw ** 2
    config.update(m=m, v=v, t=t)
    m_hat, v_hat = m / (1 - config["beta1"] ** t), v / (1 - config["beta2"] ** t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config


UPDATE_RULES = {"sgd": sgd, "momentum": sgd_momentum, "adam": adam}

# ----------------------------------------------------------------------------------------- layers and MLP (05)


def affine_forward(x, w, b):
    return x.reshape(len(x), -1) @ w + b, (x, w)


def affine_backward(dout, cache):
    x, w = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(len(x), -1).T @ dout, np.sum(dout, axis=0)


def relu_forward(x):
    return np.maximum(0.0, x), x


def relu_backward(dout, x):
    return dout * (x > 0)


def tanh_forward(x):
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, out):
    return dout * (1 - out ** 2)


def softmax_scores_loss(scores, y):
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    probabilities = np.exp(shifted)
    probabilities /= np.sum(probabilities, axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = -np.mean(np.log(probabilities[rows, y]))
    probabilities[rows, y] -= 1.0
    return float(loss), probabilities / len(y)


ACTIVATIONS = {"relu": (relu_forward, relu_backward), "tanh": (tanh_forward, tanh_backward)}


class TwoLayerNet:
    """affine - activation - affine - softmax, regularization reg * (sum W1^2 + sum W2^2)."""

    def __init__(self, input_dim, hidden_dim, num_classes, reg=0.0, seed=0, activation="relu", weight_scale=0.5):
        rng = np.random.default_rng(seed)
        self.params = {"W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)), "b1": np.zeros(hidden_dim),
                       "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
                       "b2": np.zeros(num_classes)}
        self.reg = reg
        self.activation = activation

    def loss(self, X, y=None):
        p = self.params
        forward, backward = ACTIVATIONS[self.activation]
        hidden, affine1_cache = affine_forward(X, p["W1"], p["b1"])
        active, activation_cache = forward(hidden)
        scores, affine2_cache = affine_forward(active, p["W2"], p["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_scores_loss(scores, y)
        loss += self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
        dactive, dW2, db2 = affine_backward(dscores, affine2_cache)
        _, dW1, db1 = affine_backward(backward(dactive, activation_cache), affine1_cache)
        return loss, {"W1": dW1 + 2 * self.reg * p["W1"], "b1": db1, "W2": dW2 + 2 * self.reg * p["W2"], "b2": db2}


def make_model(**settings):
    return TwoLayerNet(**settings)


# ------------------------------------------------------------------------------------------- Value (04)


class Value:
    """A scalar autograd node with micrograd's internals (_prev, _op, _backward) and an iterative backward."""

    def __init__(self, data, children=(), op="", label=""):
        self.data, self.grad = data, 0.0
        self._prev, self._op, self.label = set(children), op, label
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    __radd__, __rmul__ = __add__, __mul__

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        order, seen, stack = [], {self}, [(self, iter(self._prev))]
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                order.append(stack.pop()[0])
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(child._prev)))
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def labelled(value, label):
    value.label = label
    return value


# ------------------------------------------------------------------------------------------------ checks


def test_reference_loss_grad_matches_the_numerical_gradient_of_the_loss():
    """Is softmax_loss_grad's dW the gradient of softmax_loss (so the widget tests compare with the truth)?"""
    rng = np.random.default_rng(0)
    W, X, y = rng.standard_normal((4, 3)), rng.standard_normal((10, 4)), rng.integers(0, 3, 10)
    loss, dW = softmax_loss_grad(W, X, y, 0.3)
    assert math.isclose(loss, softmax_loss(W, X, y, 0.3), rel_tol=1e-12)
    np.testing.assert_allclose(dW, eval_numerical_gradient(lambda W_: softmax_loss(W_, X, y, 0.3), W), rtol=1e-6)


def test_reference_svm_loss_gives_the_lecture_table():
    """Does svm_loss give the notes' 3-example table (mean hinge loss 5.27)?"""
    scores = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])   # rows: cat, car, frog images
    assert math.isclose(svm_loss(scores, np.eye(3), np.array([0, 1, 2]), 0.0), (2.9 + 0 + 12.9) / 3, rel_tol=1e-9)


def test_reference_update_rules_take_the_contract_steps():
    """Do the reference rules follow the contract (momentum 3 steps 0.9, 0.71, 0.439; Adam's first step -lr)?"""
    w, config, path = np.array([1.0]), {"learning_rate": 0.1, "momentum": 0.9}, []
    for _ in range(3):
        w, config = sgd_momentum(w, np.array([1.0]), config)
        path.append(float(w[0]))
    np.testing.assert_allclose(path, [0.9, 0.71, 0.439])
    w, _ = adam(np.zeros(3), np.array([1e-3, 1.0, 1e3]), {"learning_rate": 0.01})
    np.testing.assert_allclose(w, [-0.01] * 3, rtol=1e-4)


def test_reference_net_gradients_match_numerical_ones():
    """Are the reference TwoLayerNet's gradients right for both activations?"""
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 2)), rng.integers(0, 3, 6)
    for activation in ACTIVATIONS:
        net = TwoLayerNet(2, 5, 3, reg=0.1, seed=2, activation=activation)
        _, grads = net.loss(X, y)
        for name, value in net.params.items():
            numerical = eval_numerical_gradient(lambda _: net.loss(X, y)[0], value)
            np.testing.assert_allclose(grads[name], numerical, rtol=1e-5, atol=1e-8)


def test_reference_value_accumulates_and_handles_deep_graphs():
    """Does the reference Value accumulate (a * a) and run backward on a 3,000-node chain?"""
    a = Value(3.0)
    (a * a).backward()
    assert a.grad == 6.0
    x = Value(1.0)
    out = x
    for _ in range(3000):
        out = out + 1.0
    out.backward()
    assert x.grad == 1.0
