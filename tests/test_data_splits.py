"""Are the splits disjoint, covering, stratified and reproducible, and are impossible sizes explained?"""
import numpy as np
import pytest

from course_utils.data import SplitIndices, split_indices, stratified_shuffle

# 1,797 labels with the digits' class counts, and a strongly imbalanced set with non-contiguous label values.
DIGIT_LIKE = np.repeat(np.arange(10), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
IMBALANCED = np.repeat(np.array([3, 7, 100]), [600, 60, 6])


def class_counts(labels, reference):
    return np.array([(labels == value).sum() for value in np.unique(reference)])


def prefix_tolerance(y):
    """The documented bound: 1 + C * count_c / N for each class c."""
    counts = class_counts(y, y)
    return 1 + counts.size * counts / y.size


@pytest.mark.parametrize("y", [DIGIT_LIKE, IMBALANCED], ids=["digits", "imbalanced"])
def test_stratified_shuffle_is_a_permutation_with_stratified_prefixes(y):
    counts = class_counts(y, y)
    for seed in range(5):
        order = stratified_shuffle(y, seed)
        assert order.dtype == np.int64
        np.testing.assert_array_equal(np.sort(order), np.arange(y.size))
        for m in range(1, y.size + 1, 7):
            expected = m * counts / y.size
            assert np.all(np.abs(class_counts(y[order[:m]], y) - expected) <= prefix_tolerance(y))


def test_stratified_shuffle_is_reproducible_and_depends_on_the_seed():
    np.testing.assert_array_equal(stratified_shuffle(DIGIT_LIKE, 7), stratified_shuffle(DIGIT_LIKE, 7))
    assert not np.array_equal(stratified_shuffle(DIGIT_LIKE, 7), stratified_shuffle(DIGIT_LIKE, 8))


def test_stratified_shuffle_interleaves_classes_randomly():
    """Is the class sequence not a fixed repeating pattern (which would make minibatches look alike)?"""
    order = stratified_shuffle(np.repeat(np.arange(4), 100), seed=0)
    classes = np.repeat(np.arange(4), 100)[order].reshape(100, 4)
    assert len({tuple(row) for row in classes}) > 5


def test_split_sizes_disjointness_and_dev_inside_train():
    split = split_indices(DIGIT_LIKE, num_val=300, num_test=297, num_dev=100, seed=0)
    assert isinstance(split, SplitIndices)
    assert [part.size for part in (split.train, split.val, split.test, split.dev)] == [1200, 300, 297, 100]
    assert all(part.dtype == np.int64 for part in (split.train, split.val, split.test, split.dev))
    assert not set(split.train) & set(split.val)
    assert not set(split.train) & set(split.test)
    assert not set(split.val) & set(split.test)
    assert set(split.dev) <= set(split.train)
    # num_train=None takes everything left, so the three splits cover the data exactly once.
    np.testing.assert_array_equal(
        np.sort(np.concatenate([split.train, split.val, split.test])), np.arange(DIGIT_LIKE.size)
    )


@pytest.mark.parametrize("y", [DIGIT_LIKE, IMBALANCED], ids=["digits", "imbalanced"])
def test_every_split_keeps_the_class_proportions(y):
    split = split_indices(y, num_train=300, num_val=120, num_test=90, num_dev=30, seed=1)
    counts = class_counts(y, y)
    for part in (split.train, split.val, split.test, split.dev):
        expected = part.size * counts / y.size
        # A split is a block of the stratified order: at most twice the prefix bound.
        assert np.all(np.abs(class_counts(y[part], y) - expected) <= 2 * prefix_tolerance(y))


def test_every_class_appears_in_each_split_of_balanced_data():
    split = split_indices(DIGIT_LIKE, num_val=300, num_test=297, num_dev=100, seed=3)
    for part in (split.train, split.val, split.test, split.dev):
        assert set(DIGIT_LIKE[part]) == set(range(10))


def test_splits_are_reproducible_and_depend_on_the_seed():
    first = split_indices(DIGIT_LIKE, num_val=10, num_test=10, num_dev=5, seed=11)
    again = split_indices(DIGIT_LIKE, num_val=10, num_test=10, num_dev=5, seed=11)
    other = split_indices(DIGIT_LIKE, num_val=10, num_test=10, num_dev=5, seed=12)
    for name in ("train", "val", "test", "dev"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert not np.array_equal(first.val, other.val)


def test_labels_are_not_modified():
    y = DIGIT_LIKE.copy()
    split_indices(y, num_val=10, num_test=10, seed=0)
    np.testing.assert_array_equal(y, DIGIT_LIKE)


def test_zero_sized_splits_are_empty_index_arrays():
    split = split_indices(np.arange(6) % 2, num_train=0)
    assert all(part.size == 0 and part.dtype == np.int64 for part in (split.train, split.val, split.test, split.dev))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_val": 1000, "num_test": 900}, "num_val + num_test = 1000 + 900 = 1900 exceeds the 1797 examples in y"),
        ({"num_train": 1500, "num_val": 300}, "num_train + num_val + num_test = 1500 + 300 + 0 = 1800 exceeds the "
                                              "1797 examples in y: lower one of them, or pass num_train=None to "
                                              "take the 1497 that are left"),
        ({"num_train": 10, "num_dev": 11}, "num_dev = 11 exceeds num_train = 10: the dev split is part of train"),
        ({"num_val": -1}, "num_val must be a whole number >= 0, got -1"),
    ],
)
def test_impossible_sizes_are_explained(kwargs, message):
    with pytest.raises(ValueError) as caught:
        split_indices(DIGIT_LIKE, **kwargs)
    assert message in str(caught.value)


def test_labels_of_the_wrong_shape_or_dtype_are_explained():
    with pytest.raises(ValueError, match=r"y must be a 1-D array of integer class labels, of shape \(N,\); "
                                         r"got shape \(4, 1\)\. Pass y.ravel\(\)"):
        split_indices(np.zeros((4, 1), dtype=int))
    with pytest.raises(TypeError, match=r"y must hold integer class labels; got dtype float64\. "
                                        r"Convert with y.astype\(np.int64\)"):
        stratified_shuffle(np.zeros(4))
