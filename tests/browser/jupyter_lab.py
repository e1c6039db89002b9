"""A JupyterLab server for a browser test: started on a free 127.0.0.1 port with a random token, serving a
temporary notebook folder, with its own configuration, settings, workspaces and runtime folders (so nothing from
the user's Jupyter setup, and no workspace of an earlier run, changes what the browser sees)."""
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT = 90.0   # seconds; a cold start on a busy two-core machine takes 5 to 20
# user-level Jupyter folders pointed at the test's scratch folder (the installed extensions and kernels stay found:
# they live under sys.prefix)
ISOLATED_FOLDERS = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                    "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLab:
    """``with JupyterLab(folder) as lab: page.goto(lab.notebook_url("name.ipynb"))``; stops the server at exit."""

    def __init__(self, notebook_dir, scratch_dir):
        self.notebook_dir = Path(notebook_dir)
        self.scratch_dir = Path(scratch_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = self.scratch_dir / "jupyter-lab.log"
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        environment = dict(os.environ)
        for variable in ISOLATED_FOLDERS:
            path = self.scratch_dir / variable.lower()
            path.mkdir(parents=True, exist_ok=True)
            environment[variable] = str(path)
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                   "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
                   f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.notebook_dir}",
                   # no update check: the test machine has no network to spend on it
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment,
                                            cwd=self.notebook_dir)
        self._wait_until_ready()

    def _wait_until_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        status_url = f"{self.base_url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode} while starting:\n"
                                   f"{self.log()}")
            try:
                with urllib.request.urlopen(status_url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer on port {self.port} within {START_TIMEOUT:.0f} s:\n{self.log()}")

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, name):
        return f"{self.base_url}/lab/tree/{name}?token={self.token}&reset"

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else "(no log)"

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()   # the server shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
