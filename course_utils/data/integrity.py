"""Checksums of dataset files, read in chunks so that a 170 MB archive never sits in memory at once."""
import hashlib

from .errors import DatasetIntegrityError

_CHUNK_BYTES = 1 << 20


def file_digest(path, algorithm):
    """Hex digest of a file's bytes.

    Inputs:
    - path: the file to hash
    - algorithm: a hashlib name such as "sha256" or "md5"

    Returns the lower-case hexadecimal digest, a str.
    """
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_checksum(path, expected, algorithm, fix):
    """Raise DatasetIntegrityError unless the file's digest equals ``expected``.

    Inputs:
    - path: the file to check
    - expected: the expected hex digest (case does not matter)
    - algorithm: a hashlib name such as "sha256" or "md5"
    - fix: one sentence telling the reader how to get a good copy, appended to the error message
    """
    actual = file_digest(path, algorithm)
    if actual != expected.lower():
        raise DatasetIntegrityError(
            f"{path} is damaged or not the expected file: its {algorithm.upper()} is {actual}, "
            f"expected {expected.lower()}. {fix}"
        )
