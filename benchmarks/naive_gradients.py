"""Loss and gradient with explicit loops (CS231n's svm_loss_naive / softmax_loss_naive with their gradients).

The course grades the loop versions of the losses (notebook 02) and the vectorized losses with gradients (notebook
03), but no loop version of a gradient, so the benchmark of "loss+grad, naive / vectorized" brings this one. It lives
here, in the instructor's repository, never in what students receive; tests/test_benchmarks.py checks it against
the notebook 03 reference.

Inputs of both: W weights (D, C); X data (N, D); y labels (N,) in 0..C-1; reg regularization strength.
Returns a tuple of: loss, a float (mean over N plus reg * sum(W * W)); dW, of shape (D, C).
"""
import numpy as np


def svm_loss_grad_naive(W, X, y, reg):
    """Multiclass hinge loss (margin 1) and its gradient, one example and one class at a time."""
    num_train, num_classes = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(num_train):
        scores = X[i] @ W
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    return _mean_with_l2(loss, dW, num_train, W, reg)


def softmax_loss_grad_naive(W, X, y, reg):
    """Softmax cross-entropy loss and its gradient, one example and one class at a time."""
    num_train, num_classes = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(num_train):
        scores = X[i] @ W
        scores = scores - np.max(scores)
        probabilities = np.exp(scores) / np.sum(np.exp(scores))
        loss -= np.log(probabilities[y[i]])
        for j in range(num_classes):
            dW[:, j] += (probabilities[j] - (j == y[i])) * X[i]
    return _mean_with_l2(loss, dW, num_train, W, reg)


def _mean_with_l2(loss_sum, dW_sum, num_train, W, reg):
    """Sums over the examples -> (mean loss + reg * sum(W * W), its gradient)."""
    return float(loss_sum / num_train + reg * np.sum(W * W)), dW_sum / num_train + 2 * reg * W
