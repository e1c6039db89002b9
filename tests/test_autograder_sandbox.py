"""The kernel launcher's sandbox, tried directly with small commands instead of a kernel (fast).

Each test starts `unshare ... python -m autograder.kernel_launcher --isolate ... -- <command>` the way
SandboxKernelManager does, and looks at what the command could see and do.
"""
import os
import subprocess
import sys

import pytest

from autograder.sandbox import (SandboxKernelManager, kernel_environment, namespace_support, readable_paths,
                                unshare_prefix)


def sandboxed(tmp_path, script, hide=(), read=(), write=(), memory=0, cwd=None):
    """Run ``python -c script`` in the sandbox (in ``cwd``, default tmp_path/work); returns the CompletedProcess."""
    options = ["--isolate", "--memory", str(memory), "--cwd", str(cwd or tmp_path / "work")]
    for flag, paths in (("--hide", hide), ("--read", [*readable_paths(), *read]), ("--write", write)):
        options += [arg for path in paths for arg in (flag, str(path))]
    command = unshare_prefix() + [sys.executable, "-m", "autograder.kernel_launcher", *options, "--",
                                  sys.executable, "-c", script]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd="/")


@pytest.fixture
def layout(tmp_path):
    """A course folder with a 'gradebook' and a 'solution', and the kernel's working folder beside them."""
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "gradebook.db").write_text("grades")
    (tmp_path / "course" / "solution.py").write_text("answer = 42")
    (tmp_path / "work").mkdir()
    return tmp_path


def test_are_namespaces_available_on_this_machine():
    """The robustness guarantees rely on them; if this fails, `course autograde` warns and runs unisolated."""
    available, reason = namespace_support()
    assert available, reason


def test_is_a_hidden_folder_empty_and_the_working_folder_writable(layout):
    script = ("import os; print(sorted(os.listdir(%r))); open('out.txt', 'w').write('ok'); print(os.getcwd())"
              % str(layout / "course"))
    result = sandboxed(layout, script, hide=[layout / "course", layout / "work"], write=[layout / "work"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", str(layout / "work")]
    assert (layout / "work" / "out.txt").read_text() == "ok"


def test_is_everything_else_read_only(layout):
    target = layout / "elsewhere.txt"
    script = f"open({str(target)!r}, 'w').write('x')"
    result = sandboxed(layout, script, write=[layout / "work"])
    assert result.returncode != 0 and "Read-only file system" in result.stderr
    assert not target.exists()


def test_can_parent_folder_walks_not_escape_a_hidden_folder(layout):
    """The working folder sits inside a hidden one: `..` must lead into the empty cover, not the real folder."""
    work = layout / "course" / "work"
    work.mkdir()
    script = "import os; os.chdir('..'); print(sorted(os.listdir('.')))"
    result = sandboxed(layout, script, hide=[layout / "course"], write=[work], cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['work']"


def test_is_there_no_network(layout):
    script = ("import socket\ns = socket.socket()\ns.settimeout(2)\n"
              "try:\n    s.connect(('127.0.0.1', 22))\nexcept OSError as error:\n    print(type(error).__name__)")
    result = sandboxed(layout, script, write=[layout / "work"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"ConnectionRefusedError", "OSError"}


def test_does_the_memory_limit_raise_memory_error(layout):
    script = ("import numpy as np\ntry:\n    x = np.ones(300 * 2**20 // 8)\n    print('allocated')\n"
              "    y = np.ones(2**30 // 8)\nexcept MemoryError:\n    print('MemoryError')")
    result = sandboxed(layout, script, write=[layout / "work"], memory=1 << 30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["allocated", "MemoryError"]


def test_do_processes_end_with_the_sandbox(layout):
    marker = "86398"
    script = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'], start_new_session=True)\nprint('spawned')"
    result = sandboxed(layout, script, write=[layout / "work"])
    assert result.stdout.strip() == "spawned"
    leftovers = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == ""


def test_does_the_kernel_environment_drop_secrets():
    kept = kernel_environment({"PATH": "/bin", "PGPASSWORD": "secret", "DATABASE_URL": "postgresql://x",
                               "COURSE_CHECK_MODULES": "m", "OMP_NUM_THREADS": "1", "HOME": "/root"})
    assert kept == {"PATH": "/bin", "COURSE_CHECK_MODULES": "m", "OMP_NUM_THREADS": "1", "HOME": "/root"}


def test_does_the_manager_refuse_to_run_unisolated_when_namespaces_are_required(monkeypatch):
    import autograder.sandbox as sandbox

    monkeypatch.setattr(sandbox, "namespace_support", lambda: (False, "no unshare here"))
    with pytest.raises(RuntimeError, match="no unshare here"):
        SandboxKernelManager(isolation="namespaces")
    assert SandboxKernelManager(isolation="auto").isolated is False
    assert os.environ.get("PATH")  # nothing else was touched
