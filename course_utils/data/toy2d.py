"""Small 2-D classification datasets for the geometric and interactive parts of the course.

Every generator returns a tuple of:
- X: points, of shape (N, 2), dtype float64
- y: class labels 0..C-1, of shape (N,), dtype int64

with N = num_points_per_class * C, the points of class 0 first, then class 1, and so on. ``noise`` is always the
standard deviation of Gaussian jitter added to each coordinate, in the units of X. The same ``seed`` gives the same
points; the global numpy random state is neither used nor changed.

- make_blobs: one round cluster per class, centers evenly spaced on a circle (linearly separable at low noise)
- make_spiral: C interleaved spiral arms (the CS231n example a linear classifier cannot fit)
- make_circles: C concentric rings (separable by radius, not by any line)
- make_xor: two classes on the diagonals of a square, the classic problem no single line solves
"""
import numpy as np

from ._checks import check_count, check_noise, check_seed


def make_blobs(num_points_per_class=100, num_classes=3, noise=0.5, seed=0, center_radius=2.0):
    """Round Gaussian clusters, one per class, centered on a circle of radius ``center_radius``.

    Inputs:
    - num_points_per_class: points in each cluster
    - num_classes: number of clusters (classes), >= 2
    - noise: standard deviation of each cluster around its center
    - seed: seed for np.random.default_rng, or None for fresh randomness
    - center_radius: distance of the cluster centers from the origin; class 0's center is at (0, center_radius)

    Returns X of shape (N, 2) and y of shape (N,), N = num_points_per_class * num_classes.
    """
    n, num_classes, noise, rng = _common_arguments(num_points_per_class, num_classes, noise, seed)
    center_radius = check_noise("center_radius", center_radius)
    y = np.repeat(np.arange(num_classes, dtype=np.int64), n)
    centers = center_radius * _unit_vectors(np.pi / 2 + 2 * np.pi * np.arange(num_classes) / num_classes)
    return centers[y] + noise * rng.standard_normal((y.size, 2)), y


def make_spiral(num_points_per_class=100, num_classes=3, noise=0.05, seed=0):
    """Interleaved spiral arms, one per class, winding out from the origin to radius 1.

    Inputs:
    - num_points_per_class: points on each arm, evenly spaced in radius from 0 to 1
    - num_classes: number of arms (classes), >= 2
    - noise: standard deviation of the jitter added to each coordinate
    - seed: seed for np.random.default_rng, or None for fresh randomness

    Returns X of shape (N, 2) and y of shape (N,), N = num_points_per_class * num_classes.
    """
    n, num_classes, noise, rng = _common_arguments(num_points_per_class, num_classes, noise, seed)
    y = np.repeat(np.arange(num_classes, dtype=np.int64), n)
    radius = np.tile(np.linspace(0.0, 1.0, n), num_classes)
    # Each arm sweeps 4 radians (about 2/3 of a turn) while moving out; arms start 2*pi/C apart.
    angle = 2 * np.pi * y / num_classes + 4.0 * radius
    X = radius[:, None] * _unit_vectors(angle)
    return X + noise * rng.standard_normal(X.shape), y


def make_circles(num_points_per_class=100, num_classes=2, noise=0.05, seed=0):
    """Concentric rings, one per class: class k lies on the circle of radius (k + 1) / num_classes.

    Inputs:
    - num_points_per_class: points on each ring, at uniformly random angles
    - num_classes: number of rings (classes), >= 2
    - noise: standard deviation of the jitter added to each coordinate
    - seed: seed for np.random.default_rng, or None for fresh randomness

    Returns X of shape (N, 2) and y of shape (N,), N = num_points_per_class * num_classes.
    """
    n, num_classes, noise, rng = _common_arguments(num_points_per_class, num_classes, noise, seed)
    y = np.repeat(np.arange(num_classes, dtype=np.int64), n)
    radius = (y + 1.0) / num_classes
    X = radius[:, None] * _unit_vectors(rng.uniform(0.0, 2 * np.pi, y.size))
    return X + noise * rng.standard_normal(X.shape), y


def make_xor(num_points_per_class=100, noise=0.3, seed=0):
    """Two classes in four Gaussian clusters at the corners (+-1, +-1): class 0 where x1 * x2 > 0 (corners
    (1, 1) and (-1, -1)), class 1 where x1 * x2 < 0.

    Inputs:
    - num_points_per_class: points in each class, split as evenly as possible between its two corners
    - noise: standard deviation of each cluster around its corner
    - seed: seed for np.random.default_rng, or None for fresh randomness

    Returns X of shape (N, 2) and y of shape (N,), N = 2 * num_points_per_class.
    """
    n, _, noise, rng = _common_arguments(num_points_per_class, 2, noise, seed)
    y = np.repeat(np.arange(2, dtype=np.int64), n)
    # Within each class the first half of the points go to the first corner, the rest to the opposite one.
    opposite = np.tile(np.arange(n) >= n // 2, 2)
    corners = np.where(y[:, None] == 0, [1.0, 1.0], [1.0, -1.0]) * np.where(opposite, -1.0, 1.0)[:, None]
    return corners + noise * rng.standard_normal((y.size, 2)), y


def _common_arguments(num_points_per_class, num_classes, noise, seed):
    return (
        check_count("num_points_per_class", num_points_per_class, minimum=1),
        check_count("num_classes", num_classes, minimum=2),
        check_noise("noise", noise),
        np.random.default_rng(check_seed(seed)),
    )


def _unit_vectors(angle):
    """Points on the unit circle at the given angles (radians), of shape angle.shape + (2,)."""
    return np.stack([np.cos(angle), np.sin(angle)], axis=-1)
