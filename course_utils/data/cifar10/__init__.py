"""CIFAR-10: loading the python-version batches, and the download command.

Download once with ``python -m course_utils.data.cifar10 download [--root DIR]``, then call ``load_cifar10()``.
"""
from .download import CIFAR10_ARCHIVE, CIFAR10_MD5, CIFAR10_URL, download_cifar10, extract_cifar10, fetch_url
from .loader import (
    CIFAR10_FILES,
    CIFAR10_FOLDER,
    CIFAR10_IMAGE_SHAPE,
    download_command,
    find_cifar10,
    load_cifar10,
    load_cifar10_batch,
    load_cifar10_class_names,
    missing_cifar10_files,
)
