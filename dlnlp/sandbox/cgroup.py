"""A memory cgroup per worker, where the grader may create one.

RLIMIT_AS bounds mapped memory only. A cgroup's limit counts every page the worker's processes
charge: anonymous memory, page cache, tmpfs and memfd files, shared memory. Where one can be
made, each worker runs in its own child cgroup of the grader's, limited to

    memory_mb + the zygote's resident anonymous memory (pages the worker may copy on write)
              + the scratch tmpfs + a little slack,

with no swap; the kernel's OOM killer ends a worker that goes over (the grader sees it die).

Which hierarchy: cgroup v2 where the grader's cgroup hands the memory controller to its
children (`cgroup.subtree_control` lists it); else cgroup v1's memory hierarchy. Both need write
access to the grader's cgroup folder (root, or a delegated cgroup). Where neither exists (a
container with a read-only /sys/fs/cgroup, a non-root grader without delegation) the layer is
reported off, and the fallback holds: RLIMIT_AS for mapped memory, the seccomp filter
(seccomp.py) for memfd and SysV memory, a 32 MB tmpfs for files.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from dlnlp.sandbox import proc

SCRATCH_MB = 32  # the worker's tmpfs (layers.isolate)
SLACK_MB = 16


def _mounts() -> list[tuple[str, str, str]]:
    """(mount point, fs type, super options) of each mount of this process."""
    out = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) >= 5 and len(tail) >= 3:
            out.append((fields[4], tail[0], tail[2]))
    return out


def _own_cgroups() -> dict[str, str]:
    """controller list ('' for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    out = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        out[controllers] = path
    return out


def find_parent() -> tuple[Path, int] | None:
    """The cgroup folder (and its version, 1 or 2) under which workers' cgroups can be made,
    or None."""
    own = _own_cgroups()
    for mount, fstype, _ in _mounts():
        if fstype == "cgroup2" and "" in own:
            folder = Path(mount + own[""])
            controls = folder / "cgroup.subtree_control"
            if controls.exists() and "memory" in controls.read_text().split():
                if os.access(folder, os.W_OK):
                    return folder, 2
    for mount, fstype, options in _mounts():
        if fstype == "cgroup" and "memory" in options.split(","):
            path = next((p for c, p in own.items() if "memory" in c.split(",")), None)
            folder = Path(mount + (path or "/"))
            if path is not None and os.access(folder, os.W_OK):
                return folder, 1
    return None


def limit_bytes(memory_mb: int) -> int:
    """The worker's limit: see the module docstring."""
    anon_kb = proc.status_kb("RssAnon") or 0
    return (memory_mb + SCRATCH_MB + SLACK_MB) * 2**20 + anon_kb * 1024


def create(parent: tuple[Path, int], name: str, limit: int) -> Path | None:
    """A child cgroup with `limit` bytes and no swap; None when it cannot be made."""
    folder, version = parent
    path = folder / name
    try:
        path.mkdir()
        if version == 2:
            (path / "memory.max").write_text(str(limit))
            _optional(path / "memory.swap.max", "0")
        else:
            (path / "memory.limit_in_bytes").write_text(str(limit))
            _optional(path / "memory.memsw.limit_in_bytes", str(limit))  # swap counted too
        return path
    except OSError:
        remove(path)
        return None


def _optional(path: Path, value: str) -> None:
    try:
        path.write_text(value)
    except OSError:  # no swap accounting on this kernel: nothing to turn off
        pass


def add(path: Path, pid: int) -> None:
    (path / "cgroup.procs").write_text(str(pid))


def remove(path: Path) -> None:
    """Remove a cgroup whose processes have exited (the kernel may need a moment to notice)."""
    for _ in range(50):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.01)
