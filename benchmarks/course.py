"""What the benchmarks measure, taken from the course itself: the reference solutions (the source notebooks' answer
cells, through autograder.reference) and synthetic data shaped like the course's.

Shapes: N examples, D features (the last one a constant 1, the bias trick), C classes.
"""
from pathlib import Path

import numpy as np

from .results import Unavailable

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def notebook_path(assignment):
    return NOTEBOOKS / assignment / f"{assignment}.ipynb"


def source_notebooks():
    """The course's source notebooks, in order: notebooks/NN_name/NN_name.ipynb."""
    return [path for path in sorted(NOTEBOOKS.glob("*/*.ipynb")) if path.stem == path.parent.name]


def reference(assignment, *names):
    """The reference solutions ``names`` from the source notebook of ``assignment``, as a tuple in that order."""
    from autograder.reference import load_reference

    path = notebook_path(assignment)
    if not path.exists():
        raise Unavailable(f"the source notebook {path.relative_to(REPO)} does not exist yet")
    namespace = load_reference(path)
    missing = [name for name in names if name not in namespace]
    if missing:
        raise Unavailable(f"{path.relative_to(REPO)} defines no {', '.join(missing)} in its answer cells")
    return tuple(namespace[name] for name in names)


def linear_classifier_data(num_train, dim, num_classes, seed=0):
    """Data shaped like CS231n's CIFAR-10 development set, with small random weights.

    Returns a tuple of:
    - W: weights, of shape (D, C), drawn from N(0, 1e-4 ** 2) (the assignment's initialization)
    - X: data, of shape (N, D): N(0, 64 ** 2) entries (mean-subtracted pixel values have about that spread), the
      last column ones (the bias trick)
    - y: labels, of shape (N,), uniform over 0..C-1
    """
    rng = np.random.default_rng(seed)
    X = np.hstack([rng.normal(0.0, 64.0, (num_train, dim - 1)), np.ones((num_train, 1))])
    y = rng.integers(num_classes, size=num_train)
    W = 1e-4 * rng.standard_normal((dim, num_classes))
    return W, X, y
