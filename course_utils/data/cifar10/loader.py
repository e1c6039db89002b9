"""Reading the CIFAR-10 "python version" batches into numpy arrays.

The folder ``cifar-10-batches-py/`` (under the datasets folder, see :mod:`course_utils.data.locate`) holds
``data_batch_1`` .. ``data_batch_5`` (50,000 training images), ``test_batch`` (10,000 test images) and
``batches.meta``. Each batch is a pickled dict with keys ``b"data"``, a uint8 array of shape (N, 3072) whose rows
are the red plane, then the green plane, then the blue plane of one image, each plane 32x32 in row-major order, and
``b"labels"``, a list of N class indices 0..9. ``batches.meta`` maps ``b"label_names"`` to the ten class names.

Images are returned as (N, 32, 32, 3) uint8 arrays (height, width, RGB channel), the layout matplotlib's imshow
expects, and labels as (N,) int64 arrays.

Unpickling runs code named inside the file, so batches are read with an unpickler that only accepts what a
CIFAR-10 batch contains (numpy arrays, lists, bytes); anything else is refused instead of executed.
"""
import pickle
import shlex
from pathlib import Path

import numpy as np

from ..errors import DatasetIntegrityError, DatasetNotFoundError
from ..locate import DATASETS_ENV_VAR, locate_datasets

CIFAR10_FOLDER = "cifar-10-batches-py"
CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{number}" for number in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
CIFAR10_META = "batches.meta"
CIFAR10_FILES = CIFAR10_TRAIN_BATCHES + (CIFAR10_TEST_BATCH, CIFAR10_META)
CIFAR10_IMAGE_SHAPE = (32, 32, 3)
CIFAR10_NUM_CLASSES = 10
DOWNLOAD_MODULE = "course_utils.data.cifar10"

# Globals a CIFAR-10 batch may name: numpy's array reconstruction (under its numpy 1 and numpy 2 module names)
# and the helper Python 3 pickles use for bytes.
_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),
    }
)


def download_command(root, force=False):
    """The shell command that downloads CIFAR-10 into the datasets folder ``root``, as a str."""
    command = f"python -m {DOWNLOAD_MODULE} download --root {shlex.quote(str(root))}"
    return command + " --force" if force else command


def missing_cifar10_files(folder):
    """Names of the expected batch files that are not in ``folder``, as a list (empty when complete)."""
    folder = Path(folder)
    return [name for name in CIFAR10_FILES if not (folder / name).is_file()]


def find_cifar10(root=None):
    """Return the path of the folder holding the CIFAR-10 batches, or raise DatasetNotFoundError saying how to
    get them.

    Inputs:
    - root: the datasets folder (holding cifar-10-batches-py/), or the batches folder itself; None chooses the
      datasets folder as described in course_utils.data.locate
    """
    location = locate_datasets(root)
    if (location.path / CIFAR10_TRAIN_BATCHES[0]).is_file():
        # root is the batches folder itself, the way CS231n's load_CIFAR10(ROOT) is called.
        folder, datasets_dir = location.path, location.path.parent
    else:
        folder, datasets_dir = location.path / CIFAR10_FOLDER, location.path
    if not folder.is_dir():
        raise DatasetNotFoundError(
            f"CIFAR-10 was not found: looked for the folder {folder}, in {location.describe()}.\n"
            f"Download it (about 170 MB) with:\n    {download_command(datasets_dir)}\n"
            f"or set {DATASETS_ENV_VAR} to a folder that already holds {CIFAR10_FOLDER}/."
        )
    missing = missing_cifar10_files(folder)
    if missing:
        raise DatasetNotFoundError(
            f"CIFAR-10 in {folder} is incomplete: {', '.join(missing)} missing. Download it again with:\n"
            f"    {download_command(datasets_dir, force=True)}"
        )
    return folder


def load_cifar10_batch(path):
    """Load one CIFAR-10 batch file.

    Inputs:
    - path: a batch file such as .../cifar-10-batches-py/data_batch_1

    Returns a tuple of:
    - images: of shape (N, 32, 32, 3), dtype uint8, channels in RGB order
    - labels: class indices 0..9, of shape (N,), dtype int64
    """
    path = Path(path)
    batch = _unpickle(path)
    data, labels = _batch_fields(batch, path)
    # Each row is three 32x32 planes (R, G, B); move the channel axis last.
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def load_cifar10(root=None):
    """Load all of CIFAR-10: the five training batches and the test batch.

    Inputs:
    - root: the datasets folder (holding cifar-10-batches-py/), or the batches folder itself; None chooses the
      datasets folder as described in course_utils.data.locate

    Returns a tuple of:
    - X_train: training images, of shape (50000, 32, 32, 3), dtype uint8
    - y_train: training labels 0..9, of shape (50000,), dtype int64
    - X_test: test images, of shape (10000, 32, 32, 3), dtype uint8
    - y_test: test labels 0..9, of shape (10000,), dtype int64
    """
    folder = find_cifar10(root)
    train_batches = [load_cifar10_batch(folder / name) for name in CIFAR10_TRAIN_BATCHES]
    X_train = np.concatenate([images for images, _ in train_batches])
    y_train = np.concatenate([labels for _, labels in train_batches])
    X_test, y_test = load_cifar10_batch(folder / CIFAR10_TEST_BATCH)
    return X_train, y_train, X_test, y_test


def load_cifar10_class_names(root=None):
    """The ten class names from batches.meta, as a tuple of str ("airplane", "automobile", ..., "truck")."""
    path = find_cifar10(root) / CIFAR10_META
    meta = _unpickle(path)
    names = meta.get(b"label_names") if isinstance(meta, dict) else None
    if not isinstance(names, list) or len(names) != CIFAR10_NUM_CLASSES:
        _damaged(path, f'expected a dict whose b"label_names" is a list of {CIFAR10_NUM_CLASSES} names')
    return tuple(name.decode("ascii") if isinstance(name, bytes) else str(name) for name in names)


class _BatchUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(
                f"it asks to load {module}.{name}, which a CIFAR-10 batch never contains (refused for safety)"
            )
        return super().find_class(module, name)


def _unpickle(path):
    try:
        with open(path, "rb") as stream:
            # The batches were pickled by Python 2; "bytes" keeps their str keys and values as bytes.
            return _BatchUnpickler(stream, encoding="bytes").load()
    except FileNotFoundError:
        raise DatasetNotFoundError(
            f"The CIFAR-10 file {path} does not exist. Download the data again with:\n"
            f"    {download_command(path.parent.parent, force=True)}"
        ) from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, IndexError) as error:
        _damaged(path, f"it could not be unpickled ({error})", cause=error)


def _batch_fields(batch, path):
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        found = sorted(batch) if isinstance(batch, dict) else type(batch).__name__
        _damaged(path, f'expected a dict with keys b"data" and b"labels", found {found}')
    data, labels = batch[b"data"], batch[b"labels"]
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        described = f"{data.dtype} array of shape {data.shape}" if isinstance(data, np.ndarray) else type(data).__name__
        _damaged(path, f'b"data" must be a uint8 array of shape (N, 3072), found a {described}')
    labels = np.asarray(labels)
    if labels.shape != (data.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        _damaged(path, f'b"labels" must hold {data.shape[0]} integer labels (one per row of b"data"), '
                       f"found {labels.dtype} values of shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= CIFAR10_NUM_CLASSES):
        _damaged(path, f"labels must lie in 0..{CIFAR10_NUM_CLASSES - 1}, found {labels.min()}..{labels.max()}")
    return data, labels.astype(np.int64)


def _damaged(path, problem, cause=None):
    raise DatasetIntegrityError(
        f"{path} is not a valid CIFAR-10 batch: {problem}. Download the data again with:\n"
        f"    {download_command(path.parent.parent, force=True)}"
    ) from cause
