"""Does the CIFAR-10 download verify, unpack safely and explain every failure, leaving no file that looks complete?

Everything is served from 127.0.0.1 by tests/data_fixtures.archive_server; nothing reaches the internet.
"""
import subprocess
import sys
import tarfile

import numpy as np
import pytest

import course_utils.data.cifar10.download as download_module
from course_utils.data import DATASETS_ENV_VAR, DatasetIntegrityError, DownloadError, download_cifar10, load_cifar10
from course_utils.data.cifar10 import CIFAR10_ARCHIVE, CIFAR10_MD5, CIFAR10_URL, extract_cifar10
from course_utils.data.cifar10.cli import main
from data_fixtures import (
    CIFAR_FOLDER,
    archive_server,
    closed_port_url,
    file_member,
    make_archive,
    md5_of,
    write_fake_cifar10,
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Bytes of a small CIFAR-10 archive and the arrays it holds."""
    source = tmp_path_factory.mktemp("source")
    arrays = write_fake_cifar10(source / CIFAR_FOLDER)
    return make_archive(source / CIFAR_FOLDER), arrays


def files_in(folder):
    """Every path under folder, relative, as sorted strings (hidden files included)."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_defaults_are_the_official_url_and_checksum():
    assert CIFAR10_URL == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert CIFAR10_MD5 == "c58f30108f718f92721af3b95e74349a"


def test_download_verifies_unpacks_and_removes_the_archive(tmp_path, archive, capsys):
    payload, (X_train, y_train, X_test, y_test) = archive
    with archive_server(payload) as (url, requests):
        folder = download_cifar10(tmp_path, url=url, md5=md5_of(payload))
    assert folder == tmp_path / CIFAR_FOLDER
    assert requests == ["/archive.tar.gz"]
    assert files_in(tmp_path) == [CIFAR_FOLDER] + [
        f"{CIFAR_FOLDER}/{name}" for name in sorted(
            ["batches.meta", "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
             "test_batch"])
    ]
    for got, expected in zip(load_cifar10(tmp_path), (X_train, y_train, X_test, y_test)):
        np.testing.assert_array_equal(got, expected)
    captured = capsys.readouterr()
    assert f"CIFAR-10 is ready in {folder}" in captured.out
    assert "100%" in captured.err  # the progress bar reached the end


def test_keep_archive_keeps_the_verified_archive(tmp_path, archive):
    payload, _ = archive
    with archive_server(payload) as (url, _requests):
        download_cifar10(tmp_path, url=url, md5=md5_of(payload), keep_archive=True, quiet=True)
    assert (tmp_path / CIFAR10_ARCHIVE).read_bytes() == payload


def test_bad_checksum_is_explained_and_the_file_removed(tmp_path, archive):
    payload, _ = archive
    with archive_server(payload) as (url, _requests):
        with pytest.raises(DatasetIntegrityError) as caught:
            download_cifar10(tmp_path, url=url, md5="0" * 32, quiet=True)
    message = str(caught.value)
    assert f"its MD5 is {md5_of(payload)}, expected {'0' * 32}" in message
    assert f"It was downloaded from {url} and has been deleted" in message
    assert files_in(tmp_path) == []


def test_transfer_cut_short_is_explained_and_leaves_nothing(tmp_path, archive):
    payload, _ = archive
    with archive_server(payload, mode="truncate") as (url, _requests):
        with pytest.raises(DownloadError) as caught:
            download_cifar10(tmp_path, url=url, md5=md5_of(payload), quiet=True)
    message = str(caught.value)
    assert f"stopped after {len(payload) // 2:,} of {len(payload):,} bytes: the connection closed early" in message
    assert "run the command again" in message
    assert files_in(tmp_path) == []


def test_stalled_transfer_times_out_and_leaves_nothing(tmp_path, archive):
    payload, _ = archive
    with archive_server(payload, mode="stall") as (url, _requests):
        with pytest.raises(DownloadError, match=r"was interrupted after [\d,]+ bytes \(.*timed out"):
            download_cifar10(tmp_path, url=url, md5=md5_of(payload), timeout=0.3, quiet=True)
    assert files_in(tmp_path) == []


def test_unreachable_server_is_explained_with_the_offline_alternative(tmp_path):
    url = closed_port_url()
    with pytest.raises(DownloadError) as caught:
        download_cifar10(tmp_path, url=url, md5=CIFAR10_MD5, timeout=5, quiet=True)
    message = str(caught.value)
    assert f"Could not connect to {url}" in message and "Connection refused" in message
    assert "Check the internet connection" in message
    assert f"copy it to {tmp_path / CIFAR10_ARCHIVE}" in message
    assert files_in(tmp_path) == []


def test_http_error_is_explained(tmp_path, archive):
    payload, _ = archive
    with archive_server(payload) as (url, _requests):
        missing = url.replace("archive.tar.gz", "nothing-here.tar.gz")
        with pytest.raises(DownloadError, match=rf"The server answered HTTP 404 \(Not Found\) for {missing}"):
            download_cifar10(tmp_path, url=missing, md5=md5_of(payload), quiet=True)
    assert files_in(tmp_path) == []


def test_ctrl_c_during_the_transfer_leaves_no_partial_file(tmp_path, archive, monkeypatch):
    class InterruptingBar:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, count):
            raise KeyboardInterrupt

    monkeypatch.setattr(download_module, "tqdm", InterruptingBar)
    payload, _ = archive
    with archive_server(payload) as (url, _requests):
        with pytest.raises(KeyboardInterrupt):
            download_cifar10(tmp_path, url=url, md5=md5_of(payload), quiet=True)
    assert files_in(tmp_path) == []


def test_existing_data_is_not_downloaded_again(tmp_path, capsys):
    write_fake_cifar10(tmp_path / CIFAR_FOLDER)
    folder = download_cifar10(tmp_path, url=closed_port_url(), md5=CIFAR10_MD5)
    assert folder == tmp_path / CIFAR_FOLDER
    assert "already in" in capsys.readouterr().out


def test_an_archive_copied_by_hand_is_unpacked_without_downloading(tmp_path, archive):
    payload, (X_train, *_rest) = archive
    (tmp_path / CIFAR10_ARCHIVE).write_bytes(payload)
    download_cifar10(tmp_path, url=closed_port_url(), md5=md5_of(payload), quiet=True)
    np.testing.assert_array_equal(load_cifar10(tmp_path)[0], X_train)
    assert not (tmp_path / CIFAR10_ARCHIVE).exists()


def test_an_archive_with_the_wrong_checksum_is_downloaded_again(tmp_path, archive):
    payload, _ = archive
    (tmp_path / CIFAR10_ARCHIVE).write_bytes(payload[:100])
    with archive_server(payload) as (url, requests):
        download_cifar10(tmp_path, url=url, md5=md5_of(payload), quiet=True)
    assert requests == ["/archive.tar.gz"]
    assert (tmp_path / CIFAR_FOLDER / "test_batch").is_file()


def test_force_replaces_existing_data(tmp_path, archive):
    payload, _ = archive
    old = tmp_path / CIFAR_FOLDER
    write_fake_cifar10(old, seed=5)
    (old / "stale.txt").write_text("from an older copy")
    with archive_server(payload) as (url, requests):
        download_cifar10(tmp_path, url=url, md5=md5_of(payload), force=True, quiet=True)
    assert requests == ["/archive.tar.gz"]
    assert not (old / "stale.txt").exists()


def test_downloads_into_the_environment_variable_folder_and_creates_it(tmp_path, archive, monkeypatch):
    payload, _ = archive
    target = tmp_path / "new" / "datasets"
    monkeypatch.setenv(DATASETS_ENV_VAR, str(target))
    with archive_server(payload) as (url, _requests):
        assert download_cifar10(url=url, md5=md5_of(payload), quiet=True) == target / CIFAR_FOLDER


def archive_with(tmp_path, members):
    """Write an archive of a complete fake CIFAR-10 folder plus extra members; return its path."""
    write_fake_cifar10(tmp_path / "source" / CIFAR_FOLDER)
    path = tmp_path / "datasets" / CIFAR10_ARCHIVE
    path.parent.mkdir()
    path.write_bytes(make_archive(tmp_path / "source" / CIFAR_FOLDER, members))
    return path


def symlink_member(name, target):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info, None


@pytest.mark.parametrize(
    "member, reason",
    [
        (file_member("../escaped.txt", b"x"), "would land outside cifar-10-batches-py/"),
        (file_member(f"{CIFAR_FOLDER}/../../escaped.txt", b"x"), "would land outside cifar-10-batches-py/"),
        (file_member("/tmp/escaped.txt", b"x"), "would land outside cifar-10-batches-py/"),
        (file_member("other_folder/escaped.txt", b"x"), "would land outside cifar-10-batches-py/"),
        (symlink_member(f"{CIFAR_FOLDER}/link", "/etc/passwd"), "is not a regular file or folder"),
    ],
)
def test_unsafe_archive_members_are_refused_and_nothing_is_left(tmp_path, member, reason):
    path = archive_with(tmp_path, [member])
    with pytest.raises(DatasetIntegrityError, match=reason) as caught:
        extract_cifar10(path, path.parent)
    assert repr(member[0].name) in str(caught.value)
    assert files_in(path.parent) == [CIFAR10_ARCHIVE]  # no data folder, no staging folder
    assert not list(tmp_path.rglob("escaped.txt"))


def test_archive_without_the_batches_is_refused(tmp_path):
    (tmp_path / "source" / CIFAR_FOLDER).mkdir(parents=True)
    (tmp_path / "source" / CIFAR_FOLDER / "readme.html").write_text("not the data")
    path = tmp_path / CIFAR10_ARCHIVE
    path.write_bytes(make_archive(tmp_path / "source" / CIFAR_FOLDER))
    with pytest.raises(DatasetIntegrityError, match=r"is not the CIFAR-10 python archive: .* lacks data_batch_1"):
        extract_cifar10(path, tmp_path)
    assert not (tmp_path / CIFAR_FOLDER).exists()


def test_corrupt_archive_is_refused(tmp_path, archive):
    payload, _ = archive
    path = tmp_path / CIFAR10_ARCHIVE
    path.write_bytes(payload[: len(payload) // 2])
    with pytest.raises(DatasetIntegrityError, match="could not be unpacked .*: it is damaged"):
        extract_cifar10(path, tmp_path)
    assert files_in(tmp_path) == [CIFAR10_ARCHIVE]


def test_command_line_failure_prints_the_reason_and_exits_1(tmp_path, capsys):
    status = main(["download", "--root", str(tmp_path), "--url", closed_port_url(), "--quiet"])
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Could not connect to") and "Traceback" not in err


def test_command_line_rejects_unknown_commands():
    with pytest.raises(SystemExit) as caught:
        main(["fetch"])
    assert caught.value.code == 2


def test_python_dash_m_command_downloads(tmp_path, archive):
    """Does the documented command itself run (as a subprocess, exactly as a student types it)?"""
    payload, _ = archive
    with archive_server(payload) as (url, _requests):
        result = subprocess.run(
            [sys.executable, "-m", "course_utils.data.cifar10", "download", "--root", str(tmp_path),
             "--url", url, "--md5", md5_of(payload)],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 0, result.stderr
    assert f"CIFAR-10 is ready in {tmp_path / CIFAR_FOLDER}" in result.stdout
    assert (tmp_path / CIFAR_FOLDER / "data_batch_5").is_file()
