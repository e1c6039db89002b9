"""The machine a run measured: processor, cores, memory, load, Python, numpy and its BLAS, package versions, commit."""
import datetime
import os
import platform
import resource
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from .blas import blas_info

REPO = Path(__file__).resolve().parents[1]
BUSY_LOAD = 0.5     # 1-minute load average above which the machine is not idle when a run starts
BUSY_OTHERS = 0.25  # cores used on average by processes outside the run, above which a group's figures are suspect
BUSY_CONSEQUENCE = "so times are inflated and parallel speed-ups understated; rerun on an idle machine for the record"
PACKAGES = ("numpy", "matplotlib", "ipywidgets", "nbgrader", "nbclient", "ipykernel", "jupyter_client")


def _cpu_model():
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gib():
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2 ** 20, 1)
    return None


def load_average():
    """The 1-minute load average (processes wanting a core): other work on the machine while it was measured."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def load_warning(load):
    """A warning when the machine is busy as a run starts (load above BUSY_LOAD), else None."""
    if load is None or load <= BUSY_LOAD:
        return None
    return f"warning: load average {load} before starting: other processes are using the cores, {BUSY_CONSEQUENCE}"


def cpu_snapshot():
    """(wall clock s, CPU s used by the whole machine, CPU s used by this process and its finished descendants).

    The machine's figure is None where /proc/stat does not exist. The load average cannot tell the run's own work
    from other processes'; the difference of two snapshots can (see other_cores).
    """
    wall = time.monotonic()
    machine = None
    stat = Path("/proc/stat")
    if stat.exists():
        ticks = [int(field) for field in stat.read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(ticks[:3]) + sum(ticks[5:8])   # user, nice, system; irq, softirq, steal (not idle, iowait)
        machine = busy / os.sysconf("SC_CLK_TCK")
    own = sum(usage.ru_utime + usage.ru_stime
              for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))
    return wall, machine, own


def other_cores(before, after):
    """Cores used on average by processes outside this run between two cpu_snapshot()s (None if unknown).

    A descendant still running at ``after`` is not yet in this run's own figure and counts as other work, so the
    figure errs towards warning."""
    wall = after[0] - before[0]
    if before[1] is None or after[1] is None or wall <= 0:
        return None
    return round(max(0.0, ((after[1] - before[1]) - (after[2] - before[2])) / wall), 2)


def others_warning(cores):
    """A warning when other processes used more than BUSY_OTHERS cores while a group was measured, else None."""
    if cores is None or cores <= BUSY_OTHERS:
        return None
    return f"warning: other processes used {cores} cores on average while this was measured, {BUSY_CONSEQUENCE}"


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def _git_commit():
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def _versions():
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def machine_info():
    """A dict describing this machine and software, taken at the start of a run."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": _usable_cores(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "blas": blas_info(),
        "packages": _versions(),
        "git_commit": _git_commit(),
        "load_average_start": load_average(),
    }
