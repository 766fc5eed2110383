"""JupyterLab from the kit's own environment on 127.0.0.1 with a token: the instructor's view
(formgrader on the demo course) or a student's (the instructor's plugins switched off).

A student's view switches off nbgrader's instructor parts through Jupyter's own settings, in a
config folder of its own put first on JUPYTER_CONFIG_PATH (so the kit's environment is left as
it is, and the instructor's view next to it keeps them): JupyterLab's `disabledExtensions`
(labconfig/page_config.json: the Formgrader and Create Assignment plugins) and the formgrader
server extension (jupyter_server_config.json), so that /formgrader is not served either.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from dlnlp.errors import DlnlpError
from dlnlp.sandbox.layers import die_with_parent

# nbgrader's instructor-only plugins (as nbgrader's docs list them for a student's server)
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment")
FORMGRADER_SERVER = "nbgrader.server_extensions.formgrader"


class LabError(DlnlpError):
    """JupyterLab did not start; the message says where its log is."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def student_settings(folder: Path) -> Path:
    """A Jupyter config folder that switches the instructor's parts off. -> the folder."""
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    disabled = {"disabledExtensions": {p: True for p in INSTRUCTOR_PLUGINS}}
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(disabled, indent=1))
    server = {"ServerApp": {"jpserver_extensions": {FORMGRADER_SERVER: False}}}
    (folder / "jupyter_server_config.json").write_text(json.dumps(server, indent=1))
    return folder


@dataclass
class Lab:
    """A started JupyterLab: its process, URL and token."""

    process: subprocess.Popen
    url: str  # http://127.0.0.1:PORT
    token: str

    def link(self, path: str = "lab") -> str:
        return f"{self.url}/{path}?token={self.token}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def lab_command(root: Path, port: int, token: str) -> list[str]:
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser"]
    command += ["--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}"]
    command += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    # JupyterLab refuses to run as root unless told (containers and CI run as root)
    return command + (["--allow-root"] if os.geteuid() == 0 else [])


def start_lab(
    root: Path,
    student: bool = False,
    port: int | None = None,
    token: str | None = None,
    settings: Path | None = None,
    log: Path | None = None,
    wait: float = 60.0,
) -> Lab:
    """Start JupyterLab on `root` and wait until it answers. `student`: the instructor's plugins
    off (their settings in `settings`, default root/.dlnlp-student-settings)."""
    port, token = port or free_port(), token or secrets.token_hex(16)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    # open tabs and settings of this lab's own, not the user's ~/.jupyter/lab: the instructor's
    # and the student's views would otherwise reopen each other's notebooks
    for var, sub in (
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
    ):
        env.setdefault(var, str(root / ".dlnlp-lab" / sub))
    if student:
        folder = student_settings(settings or root / ".dlnlp-student-settings")
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
            p for p in (str(folder), os.environ.get("JUPYTER_CONFIG_PATH", "")) if p
        )
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child holds it)
    parent = os.getpid()
    process = subprocess.Popen(
        lab_command(root, port, token),
        cwd=root,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        # however this process ends (SIGTERM, SIGKILL, a closed terminal), JupyterLab gets
        # SIGTERM and shuts down with its kernels: no server left holding the port
        preexec_fn=lambda: die_with_parent(parent, signal.SIGTERM),
    )
    lab = Lab(process, f"http://127.0.0.1:{port}", token)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LabError(f"JupyterLab exited ({process.returncode}); see {log or 'its log'}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=2):
                return lab
        except OSError:
            time.sleep(0.3)
    lab.stop()
    raise LabError(f"JupyterLab did not answer on {lab.url} within {wait:.0f} s")
