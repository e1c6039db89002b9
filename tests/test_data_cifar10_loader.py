"""Does the CIFAR-10 loader read the python-version batch format exactly, refuse damaged or unsafe files, and
say how to get the data when it is missing?"""
import os
import pickle

import numpy as np
import pytest

from course_utils.data import (
    DATASETS_ENV_VAR,
    DatasetIntegrityError,
    DatasetNotFoundError,
    load_cifar10,
    load_cifar10_batch,
    load_cifar10_class_names,
)
from data_fixtures import CIFAR_FOLDER, CLASS_NAMES, cifar_rows, write_batch, write_fake_cifar10


@pytest.fixture
def fake_cifar(tmp_path):
    """A datasets folder holding a small but complete cifar-10-batches-py/; yields (root, expected arrays)."""
    return tmp_path, write_fake_cifar10(tmp_path / CIFAR_FOLDER)


def test_row_layout_is_red_plane_then_green_then_blue_row_major(tmp_path):
    """Is a hand-built row decoded to the right pixel and channel, independently of the fixture's writer?"""
    row = np.concatenate([np.full(1024, 10), np.full(1024, 20), np.full(1024, 30)]).astype(np.uint8)
    row[0 * 1024 + 1] = 255  # red, image row 0, column 1
    row[1 * 1024 + 32 * 2] = 254  # green, image row 2, column 0
    row[2 * 1024 + 32 * 31 + 31] = 253  # blue, bottom-right pixel
    (tmp_path / "batch").write_bytes(pickle.dumps({b"data": row[None], b"labels": [7]}, protocol=2))
    images, labels = load_cifar10_batch(tmp_path / "batch")
    assert images.shape == (1, 32, 32, 3) and images.dtype == np.uint8 and images.flags.c_contiguous
    assert labels.tolist() == [7] and labels.dtype == np.int64
    assert images[0, 0, 0].tolist() == [10, 20, 30]
    assert images[0, 0, 1].tolist() == [255, 20, 30]
    assert images[0, 2, 0].tolist() == [10, 254, 30]
    assert images[0, 31, 31].tolist() == [10, 20, 253]


def test_batches_pickled_by_python2_numpy_load(tmp_path):
    """The real files name numpy.core.multiarray._reconstruct (numpy 1); is that accepted under numpy 2 too?"""
    images = np.random.default_rng(0).integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    blob = pickle.dumps({b"data": cifar_rows(images), b"labels": [1, 2, 3]}, protocol=2)
    blob = blob.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert b"numpy.core.multiarray\n_reconstruct" in blob
    (tmp_path / "batch").write_bytes(blob)
    loaded, labels = load_cifar10_batch(tmp_path / "batch")
    np.testing.assert_array_equal(loaded, images)
    assert labels.tolist() == [1, 2, 3]


def test_load_cifar10_concatenates_the_five_training_batches_in_order(fake_cifar):
    root, (X_train, y_train, X_test, y_test) = fake_cifar
    loaded = load_cifar10(root)
    for got, expected in zip(loaded, (X_train, y_train, X_test, y_test)):
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == expected.dtype
    assert loaded[0].shape == (30, 32, 32, 3)


def test_root_may_be_the_batches_folder_itself(fake_cifar):
    """CS231n's load_CIFAR10(ROOT) takes the cifar-10-batches-py folder: does that work too?"""
    root, (X_train, *_rest) = fake_cifar
    np.testing.assert_array_equal(load_cifar10(root / CIFAR_FOLDER)[0], X_train)


def test_loads_from_the_environment_variable_folder(fake_cifar, monkeypatch):
    root, (X_train, *_rest) = fake_cifar
    monkeypatch.setenv(DATASETS_ENV_VAR, str(root))
    np.testing.assert_array_equal(load_cifar10()[0], X_train)


def test_class_names_come_from_batches_meta(fake_cifar):
    root, _ = fake_cifar
    assert load_cifar10_class_names(root) == tuple(CLASS_NAMES)


def test_missing_data_names_the_folder_and_the_exact_download_command(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_cifar10(tmp_path)
    message = str(caught.value)
    assert f"looked for the folder {tmp_path / CIFAR_FOLDER}" in message
    assert "(the root argument)" in message
    assert f"python -m course_utils.data.cifar10 download --root {tmp_path}\n" in message
    assert DATASETS_ENV_VAR in message


def test_missing_data_says_when_the_environment_variable_chose_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(DATASETS_ENV_VAR, str(tmp_path / "my data"))
    with pytest.raises(DatasetNotFoundError) as caught:
        load_cifar10()
    message = str(caught.value)
    assert f"the {DATASETS_ENV_VAR} environment variable" in message
    assert f"download --root '{tmp_path / 'my data'}'" in message  # quoted for the shell


def test_incomplete_folder_lists_the_missing_files_and_suggests_force(fake_cifar):
    root, _ = fake_cifar
    os.remove(root / CIFAR_FOLDER / "data_batch_3")
    os.remove(root / CIFAR_FOLDER / "batches.meta")
    with pytest.raises(DatasetNotFoundError, match=r"is incomplete: data_batch_3, batches.meta missing") as caught:
        load_cifar10(root)
    assert f"download --root {root} --force" in str(caught.value)


def write_raw(path, obj):
    path.write_bytes(pickle.dumps(obj, protocol=2))
    return path


@pytest.mark.parametrize(
    "content, problem",
    [
        ({b"data": np.zeros((2, 3072), np.uint8)},
         r'expected a dict with keys b"data" and b"labels", found \[b\'data\'\]'),
        ([1, 2, 3], r'expected a dict with keys b"data" and b"labels", found list'),
        ({b"data": np.zeros((2, 3072)), b"labels": [0, 1]},
         r'b"data" must be a uint8 array of shape \(N, 3072\), found a float64 array of shape \(2, 3072\)'),
        ({b"data": np.zeros((2, 1024), np.uint8), b"labels": [0, 1]},
         r"found a uint8 array of shape \(2, 1024\)"),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]},
         r'b"labels" must hold 2 integer labels \(one per row of b"data"\), found int64 values of shape \(1,\)'),
        ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 10]}, r"labels must lie in 0..9, found 0..10"),
    ],
)
def test_batches_of_the_wrong_format_are_explained(tmp_path, content, problem):
    path = write_raw(tmp_path / "data_batch_1", content)
    with pytest.raises(DatasetIntegrityError, match=problem) as caught:
        load_cifar10_batch(path)
    assert f"{path} is not a valid CIFAR-10 batch" in str(caught.value)
    assert "download --root" in str(caught.value) and "--force" in str(caught.value)


def test_truncated_batch_is_reported_as_damaged(tmp_path):
    images = np.zeros((2, 32, 32, 3), np.uint8)
    write_batch(tmp_path / "data_batch_1", images, [0, 1])
    blob = (tmp_path / "data_batch_1").read_bytes()
    (tmp_path / "data_batch_1").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DatasetIntegrityError, match="could not be unpickled"):
        load_cifar10_batch(tmp_path / "data_batch_1")


class _Payload:
    def __init__(self, victim):
        self.victim = victim

    def __reduce__(self):
        return os.remove, (str(self.victim),)


def test_a_pickle_that_would_run_code_is_refused_without_running_it(tmp_path):
    victim = tmp_path / "must_survive.txt"
    victim.write_text("still here")
    write_raw(tmp_path / "data_batch_1", {b"data": _Payload(victim), b"labels": []})
    with pytest.raises(DatasetIntegrityError, match=r"it asks to load posix\.remove|it asks to load os\.remove"):
        load_cifar10_batch(tmp_path / "data_batch_1")
    assert victim.read_text() == "still here"


def test_a_missing_batch_file_says_how_to_download_again(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"The CIFAR-10 file .*data_batch_9 does not exist"):
        load_cifar10_batch(tmp_path / CIFAR_FOLDER / "data_batch_9")


def test_bad_meta_file_is_explained(fake_cifar):
    root, _ = fake_cifar
    write_raw(root / CIFAR_FOLDER / "batches.meta", {b"label_names": [b"cat"]})
    with pytest.raises(DatasetIntegrityError, match=r'b"label_names" is a list of 10 names'):
        load_cifar10_class_names(root)
