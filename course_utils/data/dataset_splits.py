"""One call that gives a notebook its data: ``load_splits("digits")`` or ``load_splits("cifar10")``.

Both datasets come back in the same DatasetSplits container of raw images, so a notebook has a single code path
and switches dataset by name. Preparing the images for a classifier is left to the notebook (flatten_images,
subtract_mean_image in course_utils.data.preprocess), where students can see each step.

Where the splits come from:
- digits: the 1,797 bundled images are split into train / val / test (default 1,200 / 300 / 297);
- cifar10: val is carved from the 50,000 training images (default 49,000 train / 1,000 val) and test is taken from
  the official 10,000 test images (default 1,000), as in the CS231n assignments.
All splits are stratified and disjoint, dev (default 100 for digits, 500 for cifar10) is a subset of train, and the
same seed gives the same splits.
"""
from dataclasses import dataclass, fields

import numpy as np

from ._checks import check_count, check_seed
from .cifar10 import CIFAR10_IMAGE_SHAPE, load_cifar10, load_cifar10_class_names
from .digits import DIGITS_CLASS_NAMES, DIGITS_IMAGE_SHAPE, load_digits
from .splits import split_indices, stratified_shuffle

DATASET_NAMES = ("digits", "cifar10")
_DEFAULT_SIZES = {
    "digits": {"num_val": 300, "num_test": 297, "num_dev": 100},
    "cifar10": {"num_val": 1000, "num_test": 1000, "num_dev": 500},
}


@dataclass(frozen=True, repr=False)
class DatasetSplits:
    """Raw images and labels of one dataset, split for training.

    - X_train, X_val, X_test, X_dev: images, of shape (num_<split>,) + image_shape, dtype uint8
    - y_train, y_val, y_test, y_dev: class indices 0..C-1, of shape (num_<split>,), dtype int64
    - class_names: the C class names, a tuple of str
    - image_shape: shape of one image, (8, 8) for digits, (32, 32, 3) for cifar10
    - name: the dataset's name, "digits" or "cifar10"

    The arrays made by load_splits are read-only, so no cell can change the data another cell relies on; take a
    float copy to work on, e.g. flatten_images(data.X_train).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_dev: np.ndarray
    y_dev: np.ndarray
    class_names: tuple
    image_shape: tuple
    name: str

    @property
    def num_classes(self):
        """C, the number of classes."""
        return len(self.class_names)

    def __repr__(self):
        arrays = [
            f"    {field.name}: {getattr(self, field.name).shape} {getattr(self, field.name).dtype}"
            for field in fields(self)
            if isinstance(getattr(self, field.name), np.ndarray)
        ]
        return "\n".join(
            [f"DatasetSplits({self.name!r}, {self.num_classes} classes, images of shape {self.image_shape})"]
            + arrays
        )


def load_splits(name="digits", num_train=None, num_val=None, num_test=None, num_dev=None, seed=0, root=None):
    """Load a dataset and split it into train / val / test / dev.

    Inputs:
    - name: "digits" (bundled, 8x8 grayscale) or "cifar10" (32x32 color, downloaded once beforehand)
    - num_train: training images; None takes all those not used for val (and, for digits, test)
    - num_val: validation images; None means 300 for digits, 1,000 for cifar10
    - num_test: test images; None means 297 for digits, 1,000 for cifar10 (at most 10,000)
    - num_dev: dev images, a subset of train; None means 100 for digits, 500 for cifar10
    - seed: seed for the random split, or None for fresh randomness
    - root: the datasets folder; None chooses it as described in course_utils.data.locate

    Returns a DatasetSplits of raw images (uint8) and int64 labels.
    """
    if name not in DATASET_NAMES:
        raise ValueError(f"name must be one of {', '.join(map(repr, DATASET_NAMES))}; got {name!r}")
    defaults = _DEFAULT_SIZES[name]
    num_val = _size_or_default("num_val", num_val, defaults)
    num_test = _size_or_default("num_test", num_test, defaults)
    num_dev = _size_or_default("num_dev", num_dev, defaults)
    seed = check_seed(seed)
    if name == "digits":
        images, labels = load_digits(root)
        split = split_indices(labels, num_train, num_val, num_test, num_dev, seed)
        return _assemble((images, labels), split, (images, labels), split.test,
                         DIGITS_CLASS_NAMES, DIGITS_IMAGE_SHAPE, name)
    X_train, y_train, X_test, y_test = load_cifar10(root)
    if num_test > y_test.size:
        raise ValueError(f"num_test = {num_test} exceeds the {y_test.size} CIFAR-10 test images: lower num_test.")
    split = split_indices(y_train, num_train, num_val, 0, num_dev, seed)
    test = stratified_shuffle(y_test, seed)[:num_test]
    return _assemble((X_train, y_train), split, (X_test, y_test), test,
                     load_cifar10_class_names(root), CIFAR10_IMAGE_SHAPE, name)


def _size_or_default(key, value, defaults):
    return defaults[key] if value is None else check_count(key, value)


def _assemble(pool, split, test_pool, test, class_names, image_shape, name):
    """DatasetSplits from (X, y) pools: train, val and dev indexed by split in pool, test by test in test_pool."""
    def take(array, indices):
        # Fancy indexing copies, so the read-only flag never reaches an array the caller holds.
        taken = array[indices]
        taken.flags.writeable = False
        return taken

    (X, y), (X_test, y_test) = pool, test_pool
    return DatasetSplits(
        X_train=take(X, split.train), y_train=take(y, split.train),
        X_val=take(X, split.val), y_val=take(y, split.val),
        X_test=take(X_test, test), y_test=take(y_test, test),
        X_dev=take(X, split.dev), y_dev=take(y, split.dev),
        class_names=tuple(class_names), image_shape=tuple(image_shape), name=name,
    )
