"""Test helpers for course_utils.data: small CIFAR-10 batches in the real file format, archives of them, and a
local HTTP server to download from (127.0.0.1 only; the tests never reach the internet)."""
import hashlib
import io
import pickle
import socket
import tarfile
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

CIFAR_FOLDER = "cifar-10-batches-py"
CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def cifar_rows(images):
    """CIFAR-10 rows of shape (N, 3072) from images of shape (N, 32, 32, 3): R plane, G plane, B plane."""
    return images.transpose(0, 3, 1, 2).reshape(images.shape[0], 3072)


def write_batch(path, images, labels, batch_label=b"training batch"):
    """Write one batch as the CIFAR-10 python version does: a pickled dict with bytes keys."""
    batch = {
        b"batch_label": batch_label,
        b"labels": [int(label) for label in labels],
        b"data": cifar_rows(images),
        b"filenames": [f"image_{index}.png".encode() for index in range(len(labels))],
    }
    Path(path).write_bytes(pickle.dumps(batch, protocol=2))


def write_meta(path, names=CLASS_NAMES):
    meta = {b"num_cases_per_batch": 10000, b"label_names": [name.encode() for name in names], b"num_vis": 3072}
    Path(path).write_bytes(pickle.dumps(meta, protocol=2))


def write_fake_cifar10(folder, per_batch=6, test_size=8, seed=0):
    """Write a complete cifar-10-batches-py folder of random images.

    Returns (X_train, y_train, X_test, y_test) as load_cifar10 should read them back:
    (5 * per_batch, 32, 32, 3) uint8, (5 * per_batch,) int64, (test_size, 32, 32, 3) uint8, (test_size,) int64.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    X_train = rng.integers(0, 256, (5 * per_batch, 32, 32, 3), dtype=np.uint8)
    y_train = np.arange(5 * per_batch, dtype=np.int64) % 10
    X_test = rng.integers(0, 256, (test_size, 32, 32, 3), dtype=np.uint8)
    y_test = rng.integers(0, 10, test_size).astype(np.int64)
    for number in range(5):
        rows = slice(number * per_batch, (number + 1) * per_batch)
        write_batch(folder / f"data_batch_{number + 1}", X_train[rows], y_train[rows])
    write_batch(folder / "test_batch", X_test, y_test, batch_label=b"testing batch 1 of 1")
    write_meta(folder / "batches.meta")
    return X_train, y_train, X_test, y_test


def make_archive(source_folder, extra_members=()):
    """Bytes of a .tar.gz holding source_folder as cifar-10-batches-py/, plus extra (TarInfo, bytes or None)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(source_folder, arcname=CIFAR_FOLDER)
        for info, content in extra_members:
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
    return buffer.getvalue()


def file_member(name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info, content


def md5_of(data):
    return hashlib.md5(data).hexdigest()


class _ArchiveHandler(BaseHTTPRequestHandler):
    """Serves ``payload`` at ``/archive.tar.gz``; 404 elsewhere. ``mode`` "truncate" announces the full length,
    sends half and closes; "stall" sends half and then waits until the test ends."""

    payload = b""
    mode = "complete"
    requests = None
    release = None

    def do_GET(self):
        self.requests.append(self.path)
        if self.path != "/archive.tar.gz":
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        if self.mode == "complete":
            self.wfile.write(self.payload)
            return
        self.wfile.write(self.payload[: len(self.payload) // 2])
        self.wfile.flush()
        if self.mode == "stall":
            self.release.wait(timeout=10)
        self.close_connection = True

    def log_message(self, format, *args):
        pass  # keep test output clean


@contextmanager
def archive_server(payload, mode="complete"):
    """Serve payload on 127.0.0.1 at a free port, in a thread; yields (url, requests) and stops the server after.

    requests is the list of paths asked for, so a test can check that nothing was downloaded.
    """
    requests, release = [], threading.Event()
    handler = type("Handler", (_ArchiveHandler,), {"payload": payload, "mode": mode, "requests": requests,
                                                   "release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/archive.tar.gz", requests
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def closed_port_url():
    """A URL on 127.0.0.1 at a port nothing listens on (bound, then released), so connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/archive.tar.gz"
