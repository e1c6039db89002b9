"""Does load_splits give digits and CIFAR-10 in one read-only container with the documented split sizes?"""
import dataclasses

import numpy as np
import pytest

from course_utils.data import (
    DATASETS_ENV_VAR,
    DatasetNotFoundError,
    DatasetSplits,
    load_digits,
    load_splits,
    split_indices,
    stratified_shuffle,
)
from data_fixtures import CIFAR_FOLDER, CLASS_NAMES, write_fake_cifar10

SPLITS = ("train", "val", "test", "dev")


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(DATASETS_ENV_VAR, raising=False)


def arrays(data):
    return {f"{axis}_{split}": getattr(data, f"{axis}_{split}") for split in SPLITS for axis in "Xy"}


def test_digits_defaults(no_env):
    data = load_splits()
    assert isinstance(data, DatasetSplits)
    assert data.name == "digits" and data.image_shape == (8, 8)
    assert data.class_names == tuple("0123456789") and data.num_classes == 10
    sizes = {split: getattr(data, f"y_{split}").size for split in SPLITS}
    assert sizes == {"train": 1200, "val": 300, "test": 297, "dev": 100}
    for split in SPLITS:
        X, y = getattr(data, f"X_{split}"), getattr(data, f"y_{split}")
        assert X.shape == (y.size, 8, 8) and X.dtype == np.uint8 and y.dtype == np.int64


def test_digits_splits_are_the_documented_index_splits_of_load_digits(no_env):
    images, labels = load_digits()
    split = split_indices(labels, num_val=300, num_test=297, num_dev=100, seed=4)
    data = load_splits("digits", seed=4)
    for name in SPLITS:
        np.testing.assert_array_equal(getattr(data, f"X_{name}"), images[getattr(split, name)])
        np.testing.assert_array_equal(getattr(data, f"y_{name}"), labels[getattr(split, name)])


def test_same_seed_same_data_other_seed_other_data(no_env):
    first, again, other = load_splits(seed=1), load_splits(seed=1), load_splits(seed=2)
    for key, value in arrays(first).items():
        np.testing.assert_array_equal(value, arrays(again)[key])
    assert not np.array_equal(first.y_train, other.y_train)


def test_sizes_can_be_chosen(no_env):
    data = load_splits("digits", num_train=500, num_val=100, num_test=50, num_dev=20)
    assert [getattr(data, f"y_{split}").size for split in SPLITS] == [500, 100, 50, 20]


def test_arrays_are_read_only_and_the_container_frozen(no_env):
    data = load_splits()
    with pytest.raises(ValueError, match="read-only"):
        data.X_train[0, 0, 0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.X_train = None


def test_repr_lists_shapes_instead_of_pixels(no_env):
    text = repr(load_splits(num_dev=10))
    assert text.splitlines()[0] == "DatasetSplits('digits', 10 classes, images of shape (8, 8))"
    assert "    X_dev: (10, 8, 8) uint8" in text and "    y_test: (297,) int64" in text
    assert len(text) < 600


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match=r"name must be one of 'digits', 'cifar10'; got 'mnist'"):
        load_splits("mnist")


def test_bad_sizes_are_named(no_env):
    with pytest.raises(ValueError, match="num_dev must be a whole number >= 0, got -5"):
        load_splits(num_dev=-5)
    with pytest.raises(ValueError, match="exceeds the 1797 examples in y"):
        load_splits(num_val=1000, num_test=1000)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0, got -1"):
        load_splits(seed=-1)


@pytest.fixture
def fake_cifar(tmp_path):
    return tmp_path, write_fake_cifar10(tmp_path / CIFAR_FOLDER, per_batch=20, test_size=30)


def test_cifar10_uses_one_code_path_with_the_official_test_set(fake_cifar):
    root, (X_train, y_train, X_test, y_test) = fake_cifar
    data = load_splits("cifar10", num_val=10, num_test=12, num_dev=5, seed=3, root=root)
    assert data.name == "cifar10" and data.image_shape == (32, 32, 3)
    assert data.class_names == tuple(CLASS_NAMES)
    assert [getattr(data, f"y_{split}").size for split in SPLITS] == [90, 10, 12, 5]
    # train and val come from the training batches, test from test_batch.
    split = split_indices(y_train, num_val=10, num_dev=5, seed=3)
    np.testing.assert_array_equal(data.X_train, X_train[split.train])
    np.testing.assert_array_equal(data.X_val, X_train[split.val])
    np.testing.assert_array_equal(data.X_dev, X_train[split.dev])
    np.testing.assert_array_equal(data.X_test, X_test[stratified_shuffle(y_test, 3)[:12]])
    assert data.X_train.shape == (90, 32, 32, 3) and data.X_train.dtype == np.uint8


def test_cifar10_test_set_may_be_taken_whole(fake_cifar):
    root, (_, _, X_test, _) = fake_cifar
    data = load_splits("cifar10", num_val=10, num_test=30, num_dev=0, root=root)
    assert sorted(map(bytes, data.X_test)) == sorted(map(bytes, X_test))


def test_cifar10_test_size_beyond_the_test_batch_is_explained(fake_cifar):
    root, _ = fake_cifar
    with pytest.raises(ValueError, match="num_test = 31 exceeds the 30 CIFAR-10 test images: lower num_test"):
        load_splits("cifar10", num_val=10, num_test=31, num_dev=0, root=root)


def test_cifar10_default_sizes_are_the_cs231n_ones(fake_cifar, monkeypatch):
    """49,000 / 1,000 / 1,000 / 500: checked against the real sizes by faking a full-size training set."""
    root, _ = fake_cifar
    # One byte per image is enough here: only the counts matter.
    big_train = np.zeros((50000, 1), np.uint8), np.arange(50000) % 10
    big_test = np.zeros((10000, 1), np.uint8), np.arange(10000) % 10
    monkeypatch.setattr("course_utils.data.dataset_splits.load_cifar10", lambda root: (*big_train, *big_test))
    data = load_splits("cifar10", root=root)
    assert [getattr(data, f"y_{split}").size for split in SPLITS] == [49000, 1000, 1000, 500]


def test_cifar10_missing_points_to_the_download_command(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="python -m course_utils.data.cifar10 download --root"):
        load_splits("cifar10", root=tmp_path)


def test_arrays_held_by_the_caller_stay_writable_and_unchanged(monkeypatch):
    """The splits are read-only copies: does the flag (or any change) leak into the loader's arrays?"""
    images, labels = np.arange(40 * 4, dtype=np.uint8).reshape(40, 2, 2), np.arange(40) % 4
    originals = images.copy(), labels.copy()
    monkeypatch.setattr("course_utils.data.dataset_splits.load_digits", lambda root: (images, labels))
    data = load_splits("digits", num_val=8, num_test=8, num_dev=4)
    assert images.flags.writeable and labels.flags.writeable
    assert not data.X_train.flags.writeable and not np.shares_memory(data.X_train, images)
    np.testing.assert_array_equal(images, originals[0])
    np.testing.assert_array_equal(labels, originals[1])
