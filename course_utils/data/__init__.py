"""Data for the course: the bundled digits, CIFAR-10, toy 2-D sets, splits and preprocessing.

Re-exports only; each concern lives in its own module:

- locate: which folder holds the datasets (``root`` argument, else $COURSE_DATASETS, else datasets/ next to
  course_utils)
- digits: the bundled 8x8 handwritten digits (1,797 images)
- cifar10: the CIFAR-10 loader and ``python -m course_utils.data.cifar10 download``
- toy2d: blobs, spiral, circles and XOR point clouds
- splits: stratified train / val / test / dev index splits
- preprocess: flattening images to (N, D) float64 and subtracting the training mean
- dataset_splits: ``load_splits(name)``, all of the above in one call for the notebooks
- errors: the exceptions raised when data is missing, damaged or cannot be downloaded
"""
from .cifar10 import download_cifar10, load_cifar10, load_cifar10_batch, load_cifar10_class_names
from .dataset_splits import DATASET_NAMES, DatasetSplits, load_splits
from .digits import DIGITS_CLASS_NAMES, DIGITS_IMAGE_SHAPE, load_digits
from .errors import DatasetError, DatasetIntegrityError, DatasetNotFoundError, DownloadError
from .locate import DATASETS_ENV_VAR, DatasetsLocation, locate_datasets
from .preprocess import flatten_images, subtract_mean_image
from .splits import SplitIndices, split_indices, stratified_shuffle
from .toy2d import make_blobs, make_circles, make_spiral, make_xor
