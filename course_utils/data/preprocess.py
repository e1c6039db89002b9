"""Turning images into the (N, D) float64 rows the classifiers take, and centering them on the training mean.

Both functions return new arrays and leave their inputs untouched, so re-running a notebook cell is harmless.
"""
import numpy as np

from ._checks import check_examples


def flatten_images(images):
    """Flatten each example into one row of float64 values.

    Inputs:
    - images: of shape (N, d_1, ..., d_k), e.g. (N, 32, 32, 3) or (N, 8, 8); any integer or float dtype

    Returns X, a new array of shape (N, D) with D = d_1 * ... * d_k, dtype float64, pixels in row-major order.
    """
    images = check_examples("images", images)
    return images.reshape(images.shape[0], -1).astype(np.float64)


def subtract_mean_image(X_train, *X_others):
    """Center every set on the mean of the training set, which is computed from X_train alone.

    Inputs:
    - X_train: training examples, of shape (N, d_1, ..., d_k)
    - X_others: any number of other sets (val, test, dev), each of shape (M, d_1, ..., d_k)

    Returns a tuple of:
    - mean_image: the mean training example, of shape (d_1, ..., d_k), dtype float64 (reshape it to the image
      shape to look at it)
    - X_train - mean_image, then X_other - mean_image for each of X_others, as new float64 arrays

    For example: mean_image, X_train, X_val, X_test = subtract_mean_image(X_train, X_val, X_test)
    """
    X_train = check_examples("X_train", X_train)
    if X_train.shape[0] == 0:
        raise ValueError(f"X_train has no examples (shape {X_train.shape}), so it has no mean.")
    mean_image = X_train.mean(axis=0, dtype=np.float64)
    centered = [X_train - mean_image]
    for position, X in enumerate(X_others):
        X = check_examples(f"X_others[{position}]", X)
        if X.shape[1:] != X_train.shape[1:]:
            raise ValueError(
                f"X_others[{position}] has examples of shape {X.shape[1:]} but X_train has {X_train.shape[1:]}: "
                "prepare every set the same way (e.g. flatten all of them) before subtracting the mean."
            )
        centered.append(X - mean_image)
    return (mean_image, *centered)
