"""The bundled handwritten digits: 1,797 grayscale images of 8x8 pixels, classes 0..9.

This is the test partition of the UCI "Optical Recognition of Handwritten Digits" data (Alpaydin & Kaynak, 1998,
CC BY 4.0), exactly as scikit-learn ships it (see datasets/README.md for provenance). Each pixel counts the "on"
pixels of a 4x4 block of the original 32x32 bitmap, so values are whole numbers in 0..16.

The file is stored as ``digits/digits.csv.gz`` under the datasets folder (see :mod:`course_utils.data.locate`):
one line per image, 64 pixel values in row-major order followed by the label. Its SHA-256 is checked on every load.
"""
import gzip

import numpy as np

from .errors import DatasetNotFoundError
from .integrity import verify_checksum
from .locate import DATASETS_ENV_VAR, locate_datasets

DIGITS_RELATIVE_PATH = "digits/digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
DIGITS_NUM_IMAGES = 1797
DIGITS_IMAGE_SHAPE = (8, 8)
DIGITS_MAX_PIXEL = 16
DIGITS_CLASS_NAMES = tuple(str(digit) for digit in range(10))

_RESTORE_HINT = (
    "The file ships with the course in datasets/digits/: restore it from the course repository "
    f"(git checkout -- datasets/{DIGITS_RELATIVE_PATH}) or the student bundle, or set {DATASETS_ENV_VAR} "
    f"to a folder that contains {DIGITS_RELATIVE_PATH}."
)


def load_digits(root=None):
    """Load the 1,797 bundled digit images.

    Inputs:
    - root: folder holding digits/digits.csv.gz; None chooses it as described in course_utils.data.locate

    Returns a tuple of:
    - images: pixel values 0..16, of shape (1797, 8, 8), dtype uint8
    - labels: the digit shown, 0..9, of shape (1797,), dtype int64
    """
    location = locate_datasets(root)
    path = location.path / DIGITS_RELATIVE_PATH
    if not path.is_file():
        raise DatasetNotFoundError(
            f"The bundled digits file is missing: looked for {path}, in {location.describe()}. {_RESTORE_HINT}"
        )
    verify_checksum(path, DIGITS_SHA256, "sha256", fix=_RESTORE_HINT)
    table = _parse_table(path)
    images = table[:, :-1].astype(np.uint8).reshape((-1,) + DIGITS_IMAGE_SHAPE)
    labels = table[:, -1].astype(np.int64)
    return images, labels


def _parse_table(path):
    # The checksum has just proved these are the published bytes, so the table needs no further validation.
    with gzip.open(path, "rt", encoding="ascii") as text:
        return np.loadtxt(text, delimiter=",", dtype=np.int64)
