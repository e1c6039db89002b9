"""Start a grading kernel in a sandbox, then replace this process with the kernel (``os.execv``).

    python -m autograder.kernel_launcher [--isolate] [--memory BYTES] [--hide DIR]... [--read PATH]...
                                         [--write PATH]... [--carry DIR]... [--cwd DIR] -- KERNEL COMMAND...

:class:`autograder.sandbox.SandboxKernelManager` builds this command line; nobody types it. Always:

- resource limits: address space (``--memory``: a runaway allocation raises MemoryError or kills the kernel, never
  the machine), no core files, at most ``MAX_FILE_BYTES`` per written file.

With ``--isolate`` the launcher runs as PID 1 of fresh user, PID, mount and network namespaces (made by ``unshare``
just before it), so:

- every ``--hide`` directory is covered by an empty private tmpfs (the course folder with the gradebook and the
  solutions, the folder of every submission being graded, the temporary folder, the home folder, the self-test
  catalog);
- the paths the kernel needs are mounted back inside them: ``--read`` read-only (Python, the course packages, the
  datasets), ``--write`` writable (the notebook's own folder and the kernel's connection folder);
- then the whole filesystem is made read-only, except those writable paths and the tmpfs covers, so nothing a
  submission writes can outlive its kernel or reach another submission;
- ``--carry`` directories (small caches such as matplotlib's font list) are copied into their hidden place.

The network namespace has no interface up, so the kernel talks to the grader over Unix sockets (the manager picks
the ``ipc`` transport). When the kernel exits, the PID namespace ends and every process it started ends with it.
This module imports only the standard library: it runs before every kernel.
"""
import argparse
import ctypes
import ctypes.util
import os
import resource
import sys

MAX_FILE_BYTES = 256 << 20  # no file a notebook legitimately writes is larger; a runaway one stops here
TMPFS_OPTIONS = b"size=512m,mode=0755"

MS_NOSUID, MS_NODEV, MS_BIND, MS_REC = 0x2, 0x4, 0x1000, 0x4000
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  # the same number on every Linux architecture (added in 5.12)


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def _libc():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    libc.syscall.restype = ctypes.c_long
    return libc


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def mount(libc, source, target, fstype=None, flags=0, data=None):
    encode = (lambda s: None if s is None else os.fsencode(s))
    _check(libc.mount(encode(source), encode(target), encode(fstype), flags, data), f"mount {source} on {target}")


def set_readonly(libc, path, readonly, recursive):
    attr = _MountAttr(MOUNT_ATTR_RDONLY if readonly else 0, 0 if readonly else MOUNT_ATTR_RDONLY, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    result = libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, os.fsencode(path), flags, ctypes.byref(attr),
                          ctypes.c_size_t(ctypes.sizeof(attr)))
    _check(0 if result == 0 else -1, f"make {path} {'read-only' if readonly else 'writable'}")


def _inside(path, folders):
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def _read_tree(folder):
    """``{path: bytes}`` of the regular files under ``folder`` (small caches only)."""
    files = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            if os.path.isfile(path) and os.path.getsize(path) < 16 << 20:
                with open(path, "rb") as handle:
                    files[path] = handle.read()
    return files


def isolate(hide, read, write, carry):
    """Cover ``hide`` with tmpfs, mount ``read``/``write`` back, make everything else read-only (see module doc).

    A ``hide`` folder inside a mounted-back path (say the catalog inside the autograder package) is covered after
    the path is mounted back.
    """
    libc = _libc()
    hide = [os.path.realpath(h) for h in hide if os.path.isdir(h)]
    binds = [(os.path.realpath(p), False) for p in read] + [(os.path.realpath(p), True) for p in write]
    binds = [(path, writable) for path, writable in binds if os.path.exists(path) and _inside(path, hide)]
    bound = [path for path, _ in binds]
    inner = [h for h in hide if _inside(h, [b for b in bound if b != h])]
    outer = [h for h in hide if h not in inner]
    handles = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path in bound}
    carried = {}
    for folder in carry:
        if os.path.isdir(folder):
            carried.update(_read_tree(folder))
    for folder in sorted(outer, key=len):
        mount(libc, "tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS)
    for path in sorted(bound, key=len):
        if os.path.isdir(f"/proc/self/fd/{handles[path]}"):
            os.makedirs(path, exist_ok=True)
        elif not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "wb").close()
        # recursive, to keep mounts inside the path, unless the path is itself covered (it would bring the cover)
        mount(libc, f"/proc/self/fd/{handles[path]}", path, None, MS_BIND | (0 if path in hide else MS_REC))
        os.close(handles[path])
    for folder in sorted(inner, key=len):
        mount(libc, "tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS)
    for path, content in carried.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    set_readonly(libc, "/", True, recursive=True)
    for path in outer + [path for path, writable in binds if writable] + ["/dev"]:
        set_readonly(libc, path, False, recursive=False)


def limit_resources(memory_bytes):
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m autograder.kernel_launcher", description=__doc__.split("\n")[0])
    parser.add_argument("--isolate", action="store_true", help="set up the sandbox (inside fresh namespaces)")
    parser.add_argument("--memory", type=int, default=0, help="address-space limit in bytes (0: none)")
    parser.add_argument("--hide", action="append", default=[], help="folder to cover with an empty tmpfs")
    parser.add_argument("--read", action="append", default=[], help="path to keep visible, read-only")
    parser.add_argument("--write", action="append", default=[], help="path to keep visible and writable")
    parser.add_argument("--carry", action="append", default=[], help="small folder to copy into its hidden place")
    parser.add_argument("--cwd", default=None, help="working folder of the kernel (default: the current one)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the kernel's command line")
    args = parser.parse_args(argv)
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        parser.error("give the kernel's command line after --")
    return args


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    cwd = os.path.realpath(args.cwd or os.getcwd())
    if args.isolate:
        isolate(args.hide, args.read, args.write, args.carry)
    # re-enter the folder through the new mounts: the old handle would let `..` walk past the covers
    os.chdir(cwd)
    limit_resources(args.memory)
    sys.stdout.flush()
    os.execv(args.command[0], args.command)


if __name__ == "__main__":
    main()
