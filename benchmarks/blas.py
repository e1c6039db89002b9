"""The BLAS behind numpy: which library and kernel it runs, and how many threads it uses.

threadpoolctl is not installed, so this does its two jobs for OpenBLAS directly (ctypes on the library that numpy
loaded): read the core type and the thread count, and pin the thread count. Subprocesses (notebook kernels,
nbgrader, the course autograder) are pinned through the environment: ``thread_environment(n)``.

OPENBLAS_CORETYPE (and OPENBLAS_L2_SIZE) may be set on this machine because older OpenBLAS builds fail on its
processor; they are reported, never changed here.
"""
import ctypes
import os
from pathlib import Path

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
REPORTED_VARIABLES = THREAD_VARIABLES + ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# OpenBLAS's C functions, under the names the builds numpy ships with use (threadpoolctl tries the same ones)
SYMBOL_PREFIXES = ("openblas_", "scipy_openblas_")
SYMBOL_SUFFIXES = ("", "64_", "_64")


def thread_environment(threads):
    """Environment variables that pin BLAS and OpenMP to ``threads`` threads in a process started with them."""
    return {name: str(threads) for name in THREAD_VARIABLES}


def pin_environment(threads):
    """Set the thread variables in this process's environment (inherited by every subprocess started after)."""
    os.environ.update(thread_environment(threads))


def _loaded_openblas_paths():
    """Paths of the OpenBLAS shared libraries mapped into this process (Linux), else the ones numpy bundles."""
    import numpy   # the library is loaded with numpy

    found = []
    maps = Path("/proc/self/maps")
    if maps.exists():
        for line in maps.read_text().splitlines():
            path = line.split()[-1] if line.split() else ""
            if "openblas" in Path(path).name.lower() and path not in found:
                found.append(path)
    if not found:
        libs = Path(numpy.__file__).resolve().parent.parent / "numpy.libs"
        found = [str(p) for p in sorted(libs.glob("*openblas*"))]
    return found


class OpenBLAS:
    """Calls into the OpenBLAS library that numpy uses; ``OpenBLAS.find()`` returns None if there is none."""

    def __init__(self, path):
        self.path = path
        self.library = ctypes.CDLL(path)

    @classmethod
    def find(cls):
        for path in _loaded_openblas_paths():
            try:
                return cls(path)
            except OSError:
                continue
        return None

    def _function(self, name, restype):
        for prefix in SYMBOL_PREFIXES:
            for suffix in SYMBOL_SUFFIXES:
                function = getattr(self.library, f"{prefix}{name}{suffix}", None)
                if function is not None:
                    function.restype = restype
                    return function
        return None

    def corename(self):
        function = self._function("get_corename", ctypes.c_char_p)
        return function().decode() if function else None

    def config(self):
        function = self._function("get_config", ctypes.c_char_p)
        return function().decode().strip() if function else None

    def num_threads(self):
        function = self._function("get_num_threads", ctypes.c_int)
        return int(function()) if function else None

    def set_num_threads(self, threads):
        function = self._function("set_num_threads", None)
        if function is None:
            raise RuntimeError(f"{self.path} has no set_num_threads function; set OPENBLAS_NUM_THREADS={threads} "
                               "before starting Python instead")
        function(ctypes.c_int(threads))


def pin_threads(threads):
    """Pin this process's BLAS to ``threads`` threads (now, through the library) and its subprocesses (through the
    environment). Returns the thread count the library reports afterwards (None if it cannot be read)."""
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    pin_environment(threads)
    library = OpenBLAS.find()
    if library is None:
        return None
    library.set_num_threads(threads)
    return library.num_threads()


def blas_info():
    """What numpy was built with and what runs now: a flat dict for the results file."""
    import numpy

    info = {"numpy": numpy.__version__}
    try:
        build = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info.update(build_name=build.get("name"), build_version=build.get("version"))
    except Exception as error:   # the format of show_config changes between numpy versions
        info["build_error"] = f"{type(error).__name__}: {error}"
    library = OpenBLAS.find()
    if library is not None:
        info.update(library=Path(library.path).name, config=library.config(), corename=library.corename(),
                    threads=library.num_threads())
    else:
        info.update(library=None, corename=None, threads=None)
    info["environment"] = {name: os.environ.get(name) for name in REPORTED_VARIABLES}
    return info
