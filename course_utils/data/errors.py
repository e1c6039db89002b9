"""Exceptions raised by the data loaders.

Every message says what was expected, what was found and how to fix it. The classes also derive from the matching
built-in exception, so ``except FileNotFoundError`` or ``except OSError`` in existing code still catches them.
"""


class DatasetError(Exception):
    """Base class for every data-loading problem in :mod:`course_utils.data`."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """A dataset file or folder is not where it was looked for."""


class DatasetIntegrityError(DatasetError, ValueError):
    """A dataset file exists but is damaged: wrong checksum, unreadable, or not in the expected format."""


class DownloadError(DatasetError, OSError):
    """A download failed: no network, an HTTP error, or a transfer that stopped early."""
