"""Deterministic, stratified train / validation / test / dev splits, as index arrays.

The splits are cut from one ``stratified_shuffle`` of the examples: a random order in which every run of
consecutive positions holds each class in about its share of the whole. Cutting consecutive blocks
off that order therefore gives disjoint splits whose class proportions match the data's, and the dev split, the
first ``num_dev`` training examples, is a small stratified subset of the training split (the CS231n "dev set" for
quick experiments). The same labels and seed always give the same splits.
"""
from dataclasses import dataclass

import numpy as np

from ._checks import check_count, check_labels, check_seed


@dataclass(frozen=True)
class SplitIndices:
    """Indices into the original examples, each an int64 array of shape (num_<split>,).

    train, val and test are disjoint; dev is a subset of train.
    """

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    dev: np.ndarray


def stratified_shuffle(y, seed=0):
    """A random permutation of the examples in which each class is spread evenly.

    Inputs:
    - y: integer class labels, of shape (N,)
    - seed: seed for np.random.default_rng, or None for fresh randomness

    Returns order, an int64 permutation of 0..N-1 of shape (N,). With C classes and count_c examples of class c,
    the first m entries hold m * count_c / N examples of class c up to 1 + C * count_c / N (2 when the classes are
    balanced); any block order[i:j], the difference of two such prefixes, up to twice that.
    """
    y = check_labels("y", y)
    rng = np.random.default_rng(check_seed(seed))
    shuffled = rng.permutation(y.size)
    classes, class_of = np.unique(y[shuffled], return_inverse=True)
    counts = np.bincount(class_of, minlength=classes.size)
    # Rank of each example among its class, in shuffled order (0, 1, 2, ... within every class).
    by_class = np.argsort(class_of, kind="stable")
    rank = np.empty(y.size, dtype=np.int64)
    rank[by_class] = np.arange(y.size) - np.repeat(np.cumsum(counts) - counts, counts)
    # Example k of a class with n members gets a position in [k / n, (k + 1) / n): every class advances through
    # the order at its own even pace, and the random offset interleaves the classes randomly.
    position = (rank + rng.random(y.size)) / counts[class_of]
    return shuffled[np.argsort(position, kind="stable")].astype(np.int64)


def split_indices(y, num_train=None, num_val=0, num_test=0, num_dev=0, seed=0):
    """Cut disjoint, stratified train / val / test splits and a dev subset of train.

    Inputs:
    - y: integer class labels, of shape (N,)
    - num_train: training examples; None takes all those left after val and test
    - num_val: validation examples
    - num_test: test examples
    - num_dev: dev examples, taken from the training split (so num_dev <= num_train)
    - seed: seed for np.random.default_rng, or None for fresh randomness

    Returns a SplitIndices. num_train + num_val + num_test may be less than N; the rest is left out.
    """
    y = check_labels("y", y)
    num_val = check_count("num_val", num_val)
    num_test = check_count("num_test", num_test)
    num_dev = check_count("num_dev", num_dev)
    available = y.size - num_val - num_test
    if available < 0:
        raise ValueError(
            f"num_val + num_test = {num_val} + {num_test} = {num_val + num_test} exceeds the {y.size} examples "
            "in y: lower num_val or num_test."
        )
    num_train = available if num_train is None else check_count("num_train", num_train)
    if num_train > available:
        raise ValueError(
            f"num_train + num_val + num_test = {num_train} + {num_val} + {num_test} = "
            f"{num_train + num_val + num_test} exceeds the {y.size} examples in y: lower one of them, "
            f"or pass num_train=None to take the {available} that are left."
        )
    if num_dev > num_train:
        raise ValueError(f"num_dev = {num_dev} exceeds num_train = {num_train}: the dev split is part of train.")
    order = stratified_shuffle(y, seed)
    boundaries = np.cumsum([num_test, num_val, num_train])
    test, val, train = np.split(order[: boundaries[-1]], boundaries[:-1])
    return SplitIndices(train=train, val=val, test=test, dev=train[:num_dev])
