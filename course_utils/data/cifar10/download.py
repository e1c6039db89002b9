"""Downloading and unpacking the CIFAR-10 "python version" archive (about 170 MB).

``download_cifar10`` fetches the archive into the datasets folder, checks its MD5, unpacks
``cifar-10-batches-py/`` next to it and deletes the archive. Each step leaves nothing that looks finished when it
fails or is interrupted:

- the transfer writes to a hidden ``.part`` file that is renamed only after the byte count and the checksum match;
  on any error the ``.part`` file is deleted;
- the archive is unpacked into a hidden staging folder that is renamed to ``cifar-10-batches-py`` only once every
  expected file is there; members that are not plain files or folders, or whose path would leave the target folder,
  are refused.

An archive copied into the datasets folder by hand (for a machine without internet) is used without downloading,
once its checksum matches.
"""
import gzip
import http.client
import os
import re
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

from ..errors import DatasetIntegrityError, DownloadError
from ..integrity import file_digest, verify_checksum
from ..locate import locate_datasets
from .loader import CIFAR10_FOLDER, missing_cifar10_files

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"

_CHUNK_BYTES = 1 << 16
_SAFE_NAME_PART = re.compile(r"[A-Za-z0-9._-]+")


def download_cifar10(root=None, *, url=CIFAR10_URL, md5=CIFAR10_MD5, force=False, keep_archive=False,
                     timeout=60.0, quiet=False):
    """Download and unpack CIFAR-10 unless it is already there.

    Inputs:
    - root: the datasets folder to put cifar-10-batches-py/ in; None chooses it as described in
      course_utils.data.locate. Created if missing.
    - url: where to fetch the archive from
    - md5: the archive's expected MD5, as hex
    - force: download and unpack again even when the data or the archive is already there
    - keep_archive: keep cifar-10-python.tar.gz after unpacking (it is deleted by default to save 170 MB)
    - timeout: seconds to wait for the server to connect or to send more data
    - quiet: print nothing (no status lines, no progress bar)

    Returns the path of the cifar-10-batches-py folder.
    """
    say = (lambda message: None) if quiet else print
    datasets_dir = locate_datasets(root).path
    folder = datasets_dir / CIFAR10_FOLDER
    if not force and not missing_cifar10_files(folder):
        say(f"CIFAR-10 is already in {folder}; nothing to do (pass --force to download it again).")
        return folder
    datasets_dir.mkdir(parents=True, exist_ok=True)
    archive = datasets_dir / CIFAR10_ARCHIVE
    if not force and archive.is_file() and file_digest(archive, "md5") == md5.lower():
        say(f"Using the archive already in {archive} (checksum verified).")
    else:
        say(f"Downloading {url}\n         to {archive}")
        fetch_url(url, archive, md5=md5, timeout=timeout, quiet=quiet)
    say(f"Unpacking into {folder}")
    extract_cifar10(archive, datasets_dir)
    if not keep_archive:
        archive.unlink()
    say(f"CIFAR-10 is ready in {folder}.")
    return folder


def fetch_url(url, destination, *, md5, timeout=60.0, quiet=False):
    """Download ``url`` to the file ``destination``, which appears only once complete and verified.

    Inputs:
    - url: the address to fetch (http, https or file)
    - destination: final path of the file; its folder must exist
    - md5: the expected MD5 of the content, as hex; a mismatch raises DatasetIntegrityError
    - timeout: seconds to wait for the server to connect or to send more data
    - quiet: hide the progress bar
    """
    destination = Path(destination)
    partial = tempfile.NamedTemporaryFile(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part", delete=False
    )
    try:
        with partial:
            _stream_to(partial, url, destination, timeout, quiet)
        verify_checksum(
            partial.name, md5, "md5",
            fix=f"It was downloaded from {url} and has been deleted. Run the command again; if the checksum "
                "still differs, the server is sending a different file: check the url and md5 arguments.",
        )
        os.replace(partial.name, destination)
    except BaseException:
        # Also on KeyboardInterrupt: never leave a half-written file behind.
        Path(partial.name).unlink(missing_ok=True)
        raise


def _stream_to(stream, url, destination, timeout, quiet):
    response = _open(url, destination, timeout)
    with response:
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        received = 0
        with tqdm(total=expected, unit="B", unit_scale=True, unit_divisor=1024, desc=destination.name,
                  disable=quiet) as progress:
            while chunk := _read_chunk(response, url, received):
                stream.write(chunk)
                received += len(chunk)
                progress.update(len(chunk))
    if expected is not None and received != expected:
        raise DownloadError(_early_close_message(url, received, expected))


def _early_close_message(url, received, expected=None):
    of_expected = f" of {expected:,}" if expected is not None else ""
    return (
        f"The transfer of {url} stopped after {received:,}{of_expected} bytes: the connection closed early. "
        "The partial file was deleted; run the command again to restart the download."
    )


def _open(url, destination, timeout):
    offline_hint = (
        "Check the internet connection (and proxy settings), then run the command again. Without internet "
        f"access, download {url} on another machine and copy it to {destination}: the command then checks it "
        "and unpacks it without downloading."
    )
    request = urllib.request.Request(url, headers={"User-Agent": "course-utils-cifar10-download"})
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        raise DownloadError(
            f"The server answered HTTP {error.code} ({error.reason}) for {url}. If the address is right, the "
            f"server may be down for a while: try again later. {offline_hint}"
        ) from error
    except urllib.error.URLError as error:
        raise DownloadError(f"Could not connect to {url}: {error.reason}. {offline_hint}") from error
    except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
        raise DownloadError(f"The server at {url} gave no usable answer ({error!r}). {offline_hint}") from error


def _read_chunk(response, url, received):
    try:
        return response.read(_CHUNK_BYTES)
    except http.client.IncompleteRead as error:
        # Raised for a chunked transfer cut short (a sized one just ends early, which _stream_to detects).
        raise DownloadError(_early_close_message(url, received + len(error.partial))) from error
    except (TimeoutError, OSError, http.client.HTTPException) as error:
        raise DownloadError(
            f"The transfer of {url} was interrupted after {received:,} bytes ({error!r}). "
            "The partial file was deleted; run the command again to restart the download."
        ) from error


def extract_cifar10(archive, datasets_dir):
    """Unpack cifar-10-batches-py/ from ``archive`` into ``datasets_dir``, replacing any previous copy.

    Inputs:
    - archive: path of cifar-10-python.tar.gz
    - datasets_dir: folder to create cifar-10-batches-py/ in

    Returns the path of the unpacked cifar-10-batches-py folder.
    """
    archive, datasets_dir = Path(archive), Path(datasets_dir)
    staging = Path(tempfile.mkdtemp(dir=datasets_dir, prefix=".cifar-10-unpacking-"))
    try:
        _unpack_members(archive, staging)
        unpacked = staging / CIFAR10_FOLDER
        missing = missing_cifar10_files(unpacked)
        if missing:
            raise DatasetIntegrityError(
                f"{archive} is not the CIFAR-10 python archive: {CIFAR10_FOLDER}/ in it lacks {', '.join(missing)}. "
                "Delete it and download it again."
            )
        final = datasets_dir / CIFAR10_FOLDER
        if final.exists():
            shutil.rmtree(final)
        os.replace(unpacked, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def _unpack_members(archive, staging):
    # Members are copied by hand rather than with TarFile.extract, so links, devices and permissions in the
    # archive can never take effect: only vetted folders and regular files are created.
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                target = staging.joinpath(*_vetted_parts(member, archive))
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy, _CHUNK_BYTES)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DatasetIntegrityError(
            f"{archive} could not be unpacked ({error}): it is damaged. Delete it and download it again."
        ) from error


def _vetted_parts(member, archive):
    """Path components of a tar member, after refusing anything that could write outside the staging folder."""
    if not (member.isfile() or member.isdir()):
        raise DatasetIntegrityError(
            f"Refusing to unpack {archive}: its member {member.name!r} is not a regular file or folder "
            "(links and devices are never part of CIFAR-10). Delete the archive and download it again."
        )
    parts = PurePosixPath(member.name).parts
    if not parts or parts[0] != CIFAR10_FOLDER or not all(
        _SAFE_NAME_PART.fullmatch(part) and part not in (".", "..") for part in parts
    ):
        raise DatasetIntegrityError(
            f"Refusing to unpack {archive}: its member {member.name!r} would land outside {CIFAR10_FOLDER}/ "
            "(an absolute path, '..' or unexpected characters). Delete the archive and download it again."
        )
    return parts
