"""The kernel manager that grading kernels run under: resource limits always, namespaces where the system allows.

:class:`SandboxKernelManager` is a jupyter_client kernel manager (the course's grading config selects it for the
autograde step's ``Execute``). It starts whatever kernel the notebook names, but through
:mod:`autograder.kernel_launcher`, and when Linux user namespaces are available through
``setpriv --pdeathsig KILL unshare --user --map-root-user --pid --fork --kill-child --mount --mount-proc --net``.
What the student's code can then do:

- read Python, the installed packages, ``course_utils``, the check modules and the datasets (read-only);
- write only its own working folder (the autograded copy of its submission) and a private, size-limited temp folder;
- not see the course folder (gradebook, source notebooks with solutions, other submissions), the home folder, the
  temp folder of the grader, /run; not reach the network; not leave a process behind (its PID namespace ends with
  the kernel, and the namespace ends if the grading process dies);
- allocate at most ``memory_limit`` bytes of address space.

Where namespaces are not available the kernel still gets the resource limits, a scrubbed environment and its own
process group (killed after grading), and a warning says what is not protected. Scores never come from anything the
kernel writes to disk either way: the judge and the parent process decide them (see docs/INSTRUCTORS.md).
"""
import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager
from traitlets import Enum, Integer, List, Unicode

UNSHARE_FLAGS = ["--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--net"]
DEFAULT_MEMORY_LIMIT = 4 << 30
# Environment variables a kernel keeps; everything else (tokens, passwords, database URLs) is dropped.
KEPT_ENVIRONMENT = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "PYTHONPATH", "PYTHONHASHSEED", "MPLBACKEND",
                    "JPY_PARENT_PID", "SHELL", "USER", "LOGNAME", "HOME", "VIRTUAL_ENV")
KEPT_PREFIXES = ("LC_", "COURSE_", "OPENBLAS_", "OMP_", "MKL_", "NUMEXPR_", "VECLIB_", "BLIS_", "NBGRADER_")
ALWAYS_HIDDEN = ("/run", "/var/run", "/var/tmp", "/dev/shm")

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=None)
def namespace_support():
    """``(True, "")`` when sandboxed kernels can be started here, else ``(False, reason)``; probed once."""
    missing = [tool for tool in ("unshare", "setpriv") if shutil.which(tool) is None]
    if missing:
        return False, f"{' and '.join(missing)} not found (util-linux)"
    if not sys.platform.startswith("linux"):
        return False, f"namespaces need Linux, this is {sys.platform}"
    probe = [sys.executable, "-m", "autograder.kernel_launcher", "--isolate", "--hide", tempfile.gettempdir(),
             "--", "/bin/true"]
    try:
        result = subprocess.run(unshare_prefix() + probe, capture_output=True, text=True, timeout=30, cwd="/")
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"unshare could not run: {error}"
    if result.returncode != 0:
        return False, (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
    return True, ""


def unshare_prefix():
    return [shutil.which("setpriv") or "setpriv", "--pdeathsig", "KILL", shutil.which("unshare") or "unshare",
            *UNSHARE_FLAGS]


def isolation_warning(reason):
    return (f"Kernel isolation is not available ({reason}). Submissions are still graded with memory and time "
            "limits, and scores still come only from the grader, but student code can read the course folder "
            "(solutions included), write files and start processes. Grade on a Linux machine with user namespaces "
            "(unshare --user works) to close this.")


def _outermost(folders):
    """The folders not inside another one of them (covering a folder covers everything inside it)."""
    return sorted(f for f in folders if not _under(f, [other for other in folders if other != f]))


def _under(path, folders):
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


@functools.lru_cache(maxsize=None)
def readable_paths():
    """What a grading kernel must be able to read: Python, site-packages, PYTHONPATH, the course packages, datasets."""
    import site  # noqa: PLC0415

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths.update(site.getsitepackages())
    paths.update(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isabs(p))
    for module in ("autograder", "course_utils"):
        paths.add(_package_folder(module))
    from course_utils.data.locate import locate_datasets  # noqa: PLC0415 (light, and only needed here)

    paths.add(str(locate_datasets().path))
    return tuple(sorted(os.path.realpath(p) for p in paths if p and os.path.exists(p)))


def source_checkout():
    """The repository folder when the course packages run from a source checkout (it holds the solutions)."""
    package = os.path.realpath(_package_folder("autograder"))
    if not package or _under(package, [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)]):
        return []
    return [os.path.dirname(package)]


def catalog_folder():
    """The self-test catalog holds correct alternative answers: kernels never see it."""
    return os.path.join(os.path.realpath(_package_folder("autograder")), "catalog")


def _package_folder(name):
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.find_spec(name)
    return os.path.dirname(spec.origin) if spec and spec.origin else ""


def matplotlib_cache():
    """matplotlib's font cache folder, carried into the sandbox so each kernel does not rebuild it (seconds)."""
    try:
        import matplotlib  # noqa: PLC0415

        return matplotlib.get_cachedir()
    except Exception:  # no matplotlib, or no cache folder: nothing to carry
        return None


def kernel_environment(environment):
    kept = {key: value for key, value in environment.items()
            if key in KEPT_ENVIRONMENT or key.startswith(KEPT_PREFIXES)}
    kept.setdefault("HOME", os.path.expanduser("~"))
    return kept


class SandboxKernelManager(AsyncKernelManager):
    """Start kernels through :mod:`autograder.kernel_launcher` with limits, inside namespaces where available."""

    isolation = Enum(
        ["auto", "namespaces", "none"], "auto", config=True,
        help="'namespaces': require user/PID/mount/network namespaces (fail if unavailable); 'auto': use them when "
             "available, else warn and run with resource limits only; 'none': resource limits only.",
    )
    memory_limit = Integer(
        DEFAULT_MEMORY_LIMIT, config=True,
        help="Address-space limit of a grading kernel, in bytes (0: no limit). Allocations beyond it raise "
             "MemoryError or stop the kernel; the notebook's remaining cells then score 0.",
    )
    hidden_paths = List(
        Unicode(), config=True,
        help="Folders the kernel must not see, besides the home folder, the temp folder, /run and the current "
             "folder of the grading process (the course root nbgrader works in).",
    )
    readable_paths = List(Unicode(), config=True, help="Extra paths the kernel may read inside hidden folders.")
    writable_paths = List(Unicode(), config=True, help="Extra paths the kernel may write (besides its own folder).")
    runtime_directory = Unicode(
        "", config=True,
        help="Where each kernel's private folder (connection file, sockets, its own output) is made; empty: the "
             "system's temp folder. The folder is removed when the kernel shuts down.",
    )
    last_log_tail = ""  # the end of the last cleaned-up kernel's own output, for error messages

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._course_root = os.getcwd()  # nbgrader has changed into the course root by now
        self._runtime = None
        self._group = None
        self._namespaces = self._use_namespaces()
        if self._namespaces:
            self.transport = "ipc"  # no network inside: talk over Unix sockets in the kernel's runtime folder

    def _use_namespaces(self):
        if self.isolation == "none":
            return False
        available, reason = namespace_support()
        if available:
            return True
        if self.isolation == "namespaces":
            raise RuntimeError(f"SandboxKernelManager.isolation is 'namespaces' but {reason}")
        _warn_once(isolation_warning(reason))
        return False

    @property
    def isolated(self):
        return self._namespaces

    async def _async_pre_start_kernel(self, **kw):
        self._runtime = tempfile.mkdtemp(prefix="kernel-", dir=self.runtime_directory or None)
        self.connection_file = os.path.join(self._runtime, f"kernel-{uuid.uuid4().hex[:12]}.json")
        if self._namespaces:
            self.ip = os.path.join(self._runtime, "kernel")
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        kw["env"] = kernel_environment(kw.get("env") or os.environ)
        return self._wrap(kernel_cmd, kw.get("cwd") or os.getcwd()), kw

    def _wrap(self, kernel_cmd, cwd):
        launcher = [sys.executable, "-m", "autograder.kernel_launcher", "--memory", str(self.memory_limit),
                    "--cwd", cwd]
        if not self._namespaces:
            return launcher + ["--", *kernel_cmd]
        hidden = [os.path.expanduser("~"), tempfile.gettempdir(), *ALWAYS_HIDDEN, self._course_root,
                  *source_checkout(), *self.hidden_paths]
        hidden = _outermost({os.path.realpath(p) for p in hidden if p and os.path.isdir(p)})
        options = ["--isolate"]
        options += [arg for path in hidden + [catalog_folder()] for arg in ("--hide", path)]
        options += [arg for path in [*readable_paths(), *self.readable_paths] if _under(path, hidden)
                    for arg in ("--read", path)]
        options += [arg for path in [cwd, self._runtime, *self.writable_paths] for arg in ("--write", path)]
        cache = matplotlib_cache()
        if cache and _under(os.path.realpath(cache), hidden):
            options += ["--carry", cache]
        return unshare_prefix() + launcher + options + ["--", *kernel_cmd]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # The kernel's own stdout/stderr (not the cells' output, which travels as messages) go to a log file, so
        # a submission writing to file descriptor 1 cannot flood the grader's terminal.
        with open(os.path.join(self._runtime, "kernel.log"), "ab") as log_file:
            kw["stdout"] = kw["stderr"] = log_file
            await super()._async_launch_kernel(kernel_cmd, **kw)
        try:
            self._group = os.getpgid(self.provisioner.process.pid)
        except (OSError, AttributeError):
            self._group = None

    def kernel_log_tail(self, size=2000):
        """The end of the kernel process's own stdout/stderr (startup errors, crashes), or ''."""
        if not self._runtime:
            return ""
        try:
            with open(os.path.join(self._runtime, "kernel.log"), "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - size))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    async def _async_shutdown_kernel(self, now=False, restart=False):
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:  # a kernel that died can make the shutdown raise before the cleanup: remove its folder anyway
            if self._runtime and not restart:
                shutil.rmtree(self._runtime, ignore_errors=True)

    # AsyncKernelManager binds its public names to KernelManager's coroutines; point this one at the override
    shutdown_kernel = _async_shutdown_kernel

    async def _async_cleanup_resources(self, restart=False):
        SandboxKernelManager.last_log_tail = self.kernel_log_tail()
        await super()._async_cleanup_resources(restart=restart)
        if self._group and not self._namespaces:
            # without a PID namespace, whatever the kernel started in its process group is stopped here
            try:
                os.killpg(self._group, signal.SIGKILL)
            except OSError:
                pass
        if self._runtime and not restart:
            shutil.rmtree(self._runtime, ignore_errors=True)


_warned = set()


def _warn_once(message):
    if message not in _warned:
        _warned.add(message)
        log.warning(message)
