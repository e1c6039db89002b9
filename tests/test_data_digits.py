"""Does the bundled digits file load as documented, and are missing or damaged copies explained?"""
from pathlib import Path

import numpy as np
import pytest

from course_utils.data import DATASETS_ENV_VAR, DatasetIntegrityError, DatasetNotFoundError, load_digits
from course_utils.data.digits import DIGITS_RELATIVE_PATH, DIGITS_SHA256
from course_utils.data.integrity import file_digest
from course_utils.data.locate import BUNDLED_DATASETS_DIR

BUNDLED_FILE = BUNDLED_DATASETS_DIR / DIGITS_RELATIVE_PATH


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(DATASETS_ENV_VAR, raising=False)


def copy_of_digits(root, transform=lambda data: data):
    target = Path(root) / DIGITS_RELATIVE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(transform(BUNDLED_FILE.read_bytes()))
    return target


def test_bundled_file_matches_the_recorded_sha256():
    assert file_digest(BUNDLED_FILE, "sha256") == DIGITS_SHA256
    readme = (BUNDLED_DATASETS_DIR / "README.md").read_text()
    assert DIGITS_SHA256 in readme  # provenance notes and loader agree


def test_images_and_labels_have_the_documented_shapes_and_values(no_env):
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0 and images.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # The first image is a zero; its top row, read row-major from the first CSV line.
    assert labels[:10].tolist() == list(range(10))
    assert images[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    assert images[0, :, 0].tolist() == [0, 0, 0, 0, 0, 0, 0, 0]
    assert images[0, 1].tolist() == [0, 0, 13, 15, 10, 15, 5, 0]


def test_each_load_returns_fresh_arrays(no_env):
    images, labels = load_digits()
    images[:] = 0
    labels[:] = -1
    again_images, again_labels = load_digits()
    assert again_images.max() == 16 and again_labels.min() == 0


def test_loads_from_the_folder_named_by_the_environment_variable(monkeypatch, tmp_path):
    copy_of_digits(tmp_path)
    monkeypatch.setenv(DATASETS_ENV_VAR, str(tmp_path))
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8)


def test_missing_file_says_where_it_looked_and_how_to_fix(tmp_path):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_digits(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / DIGITS_RELATIVE_PATH) in message
    assert "the root argument" in message
    assert "git checkout -- datasets/digits/digits.csv.gz" in message
    assert DATASETS_ENV_VAR in message
    assert isinstance(caught.value, FileNotFoundError)


def test_missing_file_names_the_environment_variable_when_it_chose_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(DATASETS_ENV_VAR, str(tmp_path))
    with pytest.raises(DatasetNotFoundError, match=f"the {DATASETS_ENV_VAR} environment variable"):
        load_digits()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-100], id="truncated"),
        pytest.param(lambda data: data[:500] + bytes([data[500] ^ 1]) + data[501:], id="one-bit-flipped"),
        pytest.param(lambda data: b"version https://git-lfs.github.com/spec/v1\n", id="lfs-pointer"),
    ],
)
def test_damaged_file_is_refused_with_both_checksums(tmp_path, damage):
    path = copy_of_digits(tmp_path, damage)
    with pytest.raises(DatasetIntegrityError) as caught:
        load_digits(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert f"expected {DIGITS_SHA256}" in message
    assert file_digest(path, "sha256") in message
    assert "restore it" in message
    assert isinstance(caught.value, ValueError)

