"""Does a worker's footprint end with it: memory of every kind bounded, no IPC objects, no
scratch folder, no environment of the grader's?

Driven on a zygote directly (no static policy in front), as code that got past it would run.
"""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path

import pytest

from conftest import COURSE
from dlnlp.sandbox import cgroup
from dlnlp.sandbox.client import Zygote

PLANTED = "dlnlp-planted-secret-7f3a"


@pytest.fixture(scope="module")
def zygote():
    os.environ["DLNLP_PLANTED_TOKEN"] = PLANTED  # as a CI token or a Gradescope secret would be
    try:
        with Zygote([], [str(p) for p in COURSE.secrets()], 160, 60) as z:
            z.ready()
            yield z
    finally:
        del os.environ["DLNLP_PLANTED_TOKEN"]


def _call(zygote, source: str, fn: str = "f", timeout: float = 20, worker=None):
    w = worker or zygote.spawn()
    keep = list(range(len(ast.parse(source).body)))
    w.request(
        {"op": "load", "cells": [{"filename": "<cell 1>", "source": source, "keep": keep}]}, 10
    )
    reply = w.request({"op": "call", "fn": fn}, timeout)
    return w, reply


def _gone(path: Path, seconds: float = 5) -> bool:
    """Whether `path` disappears within `seconds` (the launcher cleans up after its worker)."""
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_memory_outside_the_address_space_cannot_be_taken(zygote):
    """memfd files written but not mapped, SysV segments and queues, tmpfs files: RLIMIT_AS
    counts none of them. 1.5 GB went into memfd files before; now each route is closed."""
    w, reply = _call(
        zygote,
        """
import ctypes, os
def f():
    got = {}
    try:
        fd = os.memfd_create("hoard")
        for _ in range(64):
            os.write(fd, b"x" * 2**24)
        got["memfd"] = os.fstat(fd).st_size
    except OSError as e:
        got["memfd"] = e.errno
    libc = ctypes.CDLL(None, use_errno=True)
    got["shmget"] = libc.shmget(0, 2**28, 0o1000 | 0o600)
    got["msgget"] = libc.msgget(0, 0o1000 | 0o600)
    try:
        with open("hoard.bin", "wb") as out:
            for _ in range(64):
                out.write(b"x" * 2**24)
        got["tmpfs"] = os.path.getsize("hoard.bin")
    except OSError as e:
        got["tmpfs"] = e.errno
    return got
""",
    )
    w.kill()
    got = reply["value"]
    assert got["memfd"] == 1 and got["shmget"] == -1 and got["msgget"] == -1  # EPERM
    assert got["tmpfs"] != 2**30  # the 32 MB scratch tmpfs (or the file-size limit) stops it
    assert w.layers["seccomp"]


def test_each_worker_has_a_memory_cgroup_where_one_can_be_made(zygote):
    """Where the grader may create a memory cgroup (root here), the worker runs in its own,
    limited one, which is gone once the worker is."""
    if cgroup.find_parent() is None:
        pytest.skip("no writable memory cgroup on this machine: the seccomp fallback holds")
    w = zygote.spawn()
    assert w.layers["memory_cgroup"]
    line = next(
        s
        for s in Path(f"/proc/{w.worker_pid}/cgroup").read_text().splitlines()
        if "memory" in s.split(":")[1] or s.startswith("0::")
    )
    parent, version = cgroup.find_parent()
    folder = parent.parent / parent.name / Path(line.split(":", 2)[2]).name
    limit_file = "memory.limit_in_bytes" if version == 1 else "memory.max"
    limit = int((folder / limit_file).read_text())
    assert limit < 2**31, f"the worker's cgroup allows {limit} bytes"
    w.kill()
    assert _gone(folder), f"{folder} outlived its worker"


def test_sysv_objects_and_the_scratch_folder_end_with_the_worker(zygote):
    """A worker in the host's IPC namespace left its segments behind; its scratch folder
    was left empty in /tmp, its tmpfs removed while still mounted."""
    w, reply = _call(zygote, "import os\ndef f():\n    return os.getcwd()\n")
    scratch = Path(reply["value"])
    assert scratch.name.startswith("dlnlp-worker-")
    assert w.layers["ipc_namespace"]
    w.kill()
    assert _gone(scratch), f"{scratch} outlived its worker"


def test_the_worker_sees_none_of_the_graders_environment(zygote):
    """The zygote passed the grader's whole environment on; /proc/self/environ showed it even
    after os.environ was cleared."""
    w, reply = _call(
        zygote,
        """
import os
def f():
    try:
        raw = open("/proc/self/environ").read()
    except OSError:  # Landlock may deny /proc: then nobody reads it
        raw = ""
    return [dict(os.environ), raw]
""",
    )
    w.kill()
    env, raw = reply["value"]
    assert PLANTED not in raw and PLANTED not in str(env)
    allowed = {"PATH", "LANG", "PYTHONNOUSERSITE", "PYTHONPATH"}
    allowed |= {"ATEN_CPU_CAPABILITY"}  # torch's kernel family, when a test run forces one
    allowed |= {"TMPDIR", "HOME", "TORCHINDUCTOR_CACHE_DIR"}  # set to the scratch folder
    assert set(env) <= allowed, set(env) - allowed
