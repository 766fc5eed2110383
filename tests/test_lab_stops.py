"""Does `dlnlp lab` take its JupyterLab with it when it stops, however it is stopped: Ctrl-C,
SIGTERM (a service manager, `kill`), or SIGKILL? A JupyterLab left behind holds the port and
the course's kernels."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import COURSE

ASSIGNMENT = "attention"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The demo course, built and graded once: each `dlnlp lab` below resumes it in seconds."""
    from dlnlp.lab.demo_course import build_demo_course

    root = tmp_path_factory.mktemp("lab_stops") / "dlnlp-demo"
    build_demo_course(COURSE, root, [ASSIGNMENT], jobs=2, say=lambda _: None)
    return root


def _serving(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _start(course) -> tuple[subprocess.Popen, int]:
    """`dlnlp lab` on the course, once it has printed formgrader's URL: (process, its port)."""
    command = [sys.executable, "-m", "dlnlp", "lab", "--course", str(course), "-a", ASSIGNMENT]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=COURSE.root
    )
    deadline = time.monotonic() + 120
    for line in proc.stdout:
        if m := re.search(r"formgrader:\s+http://127\.0\.0\.1:(\d+)/", line):
            return proc, int(m.group(1))
        assert time.monotonic() < deadline, "dlnlp lab did not start in 2 minutes"
    raise AssertionError(f"dlnlp lab exited ({proc.wait()}) before serving")


def _freed(port: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _serving(port):
            return True
        time.sleep(0.3)
    return False


@pytest.mark.parametrize(
    "sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name
)
def test_stopping_dlnlp_lab_stops_its_jupyterlab(course, sig):
    proc, port = _start(course)
    try:
        assert _serving(port)
        os.kill(proc.pid, sig)
        proc.wait(30)
        assert _freed(port), f"JupyterLab still serves on {port} after {sig.name} to dlnlp lab"
        if sig != signal.SIGKILL:  # it said what it did, and exited as a stopped program
            assert "stopping JupyterLab" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
