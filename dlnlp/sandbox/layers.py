"""Isolation layers for a worker, applied in a freshly forked child before any student code.

Each layer is tried and recorded; what is missing is reported, never silently assumed:

| layer               | needs                         | guarantees                                        |
|---------------------|-------------------------------|---------------------------------------------------|
| pid_namespace       | root, or user namespaces      | every process the student starts dies with it     |
| net_namespace       | root, or user namespaces      | no network at all (not even loopback)             |
| mount_namespace     | root, or user namespaces      | secret folders are covered by empty tmpfs mounts  |
| unprivileged_user   | grader started as root        | a uid of the worker's own: no ptrace, no kill,    |
|                     |                               | nothing keyed by uid shared with another worker   |
| landlock            | Linux >= 5.13 with Landlock   | reads only the Python/torch install; no TCP;      |
|                     |                               | (ABI >= 6) no signals to processes outside        |
| ipc_namespace       | root, or user namespaces      | SysV IPC objects die with the worker              |
| memory_cgroup       | a writable memory cgroup      | all memory counted: memfd, tmpfs, shm (cgroup.py) |
| rlimits             | always                        | address space, CPU seconds, file size, processes, |
|                     |                               | open files                                        |
| seccomp             | x86_64 or aarch64             | no memfd, SysV shm or message queues; native ABI  |

With none of the namespace layers and no Landlock, a worker can read what the grader's user can
read: run the grader as root (Gradescope does) or on a kernel with Landlock.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import site
import sys
from pathlib import Path

from dlnlp.sandbox import landlock, proc, seccomp

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x10000000, 0x20000000, 0x40000000
CLONE_NEWIPC = 0x08000000
_MNT_DETACH = 2
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REC, _MS_PRIVATE = 1, 2, 4, 8, 16384, 1 << 18
_MS_BIND = 4096
_PR_SET_PDEATHSIG = 1
SYSTEM_READ_ONLY = [
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/bin",
    "/sbin",
    "/etc",
    "/dev/null",
    "/dev/zero",
    "/dev/urandom",
    "/dev/random",
]


def _errno_call(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare_namespaces() -> dict[str, bool]:
    """In the first forked child: new pid, net and mount namespaces (user namespace too if not root).

    The pid namespace applies to this process's *next* child, which becomes its pid 1.
    """
    flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC
    uid, gid = os.getuid(), os.getgid()
    if os.geteuid() != 0:
        flags |= CLONE_NEWUSER
    names = ["pid_namespace", "net_namespace", "mount_namespace", "ipc_namespace"]
    try:
        _errno_call(_libc.unshare(flags), "unshare")
    except OSError:
        return dict.fromkeys(names, False)
    if flags & CLONE_NEWUSER:  # map ourselves to ourselves, so file ownership reads the same
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return dict.fromkeys(names, True)


def remove_scratch(scratch: str) -> None:
    """In the launcher, after its worker exited: unmount the worker's tmpfs (mounted in this
    mount namespace only), then remove the folder beneath it, which the host can see."""
    _libc.umount2(scratch.encode(), _MNT_DETACH)
    shutil.rmtree(scratch, ignore_errors=True)


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath(
        [os.path.realpath(path), os.path.realpath(folder)]
    ) == os.path.realpath(folder)


def hide_paths(secrets: list[str], keep_visible: list[str]) -> bool:
    """Inside a private mount namespace: cover each secret folder with an empty read-only tmpfs
    (except one that holds something the worker needs, e.g. the venv; Landlock still denies it)."""
    try:
        _errno_call(_libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "make / private")
        for path in secrets:
            if os.path.isdir(path) and not any(_inside(k, path) for k in keep_visible):
                _errno_call(
                    _libc.mount(
                        b"tmpfs",
                        path.encode(),
                        b"tmpfs",
                        _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC,
                        b"size=4k",
                    ),
                    f"cover {path}",
                )
        return True
    except OSError:
        return False


def expose_install(roots: list[str]) -> None:
    """Inside a private mount namespace, as root: the worker's user must be able to walk to the Python
    install, which may sit under a closed folder (pyenv under /root, mode 0700). Cover each such
    folder with an empty tmpfs (hiding the rest of it) and bind the install back inside."""
    fds: dict[str, int] = {}
    tops: set[Path] = set()
    for root in roots:
        path = Path(root)
        closed = [a for a in reversed(path.parents) if not a.stat().st_mode & 0o001]
        if closed and path.is_dir():
            fds[root] = os.open(root, os.O_PATH | os.O_CLOEXEC)  # before it is covered
            tops.add(closed[0])
    for top in tops:
        _errno_call(
            _libc.mount(
                b"tmpfs", str(top).encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, b"mode=0755,size=64k"
            ),
            f"cover {top}",
        )
    for root, fd in fds.items():
        os.makedirs(root, mode=0o755, exist_ok=True)
        _errno_call(
            _libc.mount(
                f"/proc/self/fd/{fd}".encode(), root.encode(), None, _MS_BIND | _MS_REC, None
            ),
            f"bind {root}",
        )
        os.close(fd)


def readable_roots(secrets: list[str]) -> list[str]:
    """Folders the worker may read: the system and the Python install, minus anything that
    contains a secret (such a folder is replaced by its children that don't)."""
    roots = SYSTEM_READ_ONLY + [sys.base_prefix, sys.prefix, *site.getsitepackages()]
    secret_paths = [Path(s).resolve() for s in secrets]
    out: list[str] = []

    def allow(p: Path) -> None:
        if any(p == s or p in s.parents for s in secret_paths):
            if p.is_dir() and not any(p == s for s in secret_paths):
                for child in p.iterdir():
                    allow(child)
            return
        out.append(str(p))

    for r in dict.fromkeys(roots):
        allow(Path(r).resolve())
    return out


def _closed_ancestor(path: str) -> bool:
    return any(not a.stat().st_mode & 0o001 for a in Path(path).parents)


def limit_address_space(memory_mb: int) -> None:
    """Address space = what this (forked) process already maps + `memory_mb`."""
    vm_kb = proc.status_kb("VmSize")
    if vm_kb is None:
        raise RuntimeError("/proc/self/status gives no VmSize: the address space cannot be capped")
    cap = vm_kb * 1024 + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def apply_limits(memory_mb: int, cpu_seconds: int, nproc: int | None) -> None:
    """Address space = what the forked process already maps + `memory_mb`; CPU, files."""
    limit_address_space(memory_mb)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 2**20, 64 * 2**20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # each open pipe may hold up to 1 MB of kernel memory that no other limit counts
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    if nproc is not None:  # counts every process of the uid: only safe for a dedicated user
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


# Each worker's user: a uid (and gid) of its own, as isolate's boxes have, so that nothing the
# kernel keys by uid (process counts, a keyring, files left behind) is shared between two
# workers. The zygote hands them out in turn (`worker_uid`); no passwd entry is needed.
UID_BASE, UIDS = 200_000, 50_000


def worker_uid(serial: int) -> int:
    """The uid of the zygote's `serial`-th worker: unique among any 50,000 in a row."""
    return UID_BASE + serial % UIDS


def drop_privileges(scratch: str, uid: int) -> bool:
    """When root: become `uid` (group `uid` too, no supplementary groups), after chowning the
    scratch folder to it."""
    if os.geteuid() != 0:
        return False
    os.chown(scratch, uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    return True


def die_with_parent(parent: int | None = None, sig: int = signal.SIGKILL) -> None:
    """Send this process `sig` (SIGKILL: it dies) when its parent dies. `parent`: the pid it
    was forked from, to catch a parent that died before the request was made."""
    _libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(0)


def isolate(
    secrets: list[str],
    scratch: str,
    memory_mb: int,
    cpu_seconds: int,
    namespaces: dict[str, bool],
    uid: int = UID_BASE,
) -> dict:
    """Apply every remaining layer in the worker (pid 1 of its namespace); return what is in force."""
    layers: dict[str, bool | int] = dict(namespaces)  # landlock: the ABI in force, 0 for none
    python_roots = list(dict.fromkeys([sys.base_prefix, sys.prefix, *site.getsitepackages()]))
    if namespaces.get("mount_namespace"):
        layers["mount_namespace"] = hide_paths(secrets, [*python_roots, scratch])
        # the scratch folder is the only writable place: a small tmpfs, so it cannot fill the disk
        _libc.mount(
            b"tmpfs", scratch.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, b"size=32m,mode=0700"
        )
    can_drop = os.geteuid() == 0
    if can_drop and any(_closed_ancestor(r) for r in python_roots):
        # without this, the worker's user could not import the rest of the standard library
        can_drop = bool(layers["mount_namespace"])
        if can_drop:
            try:
                expose_install(python_roots)
            except OSError:
                can_drop = False
    readable = readable_roots(secrets)  # resolved while still privileged
    apply_limits(memory_mb, cpu_seconds, nproc=64 if can_drop else None)
    layers["rlimits"] = True
    layers["unprivileged_user"] = drop_privileges(scratch, uid) if can_drop else False
    die_with_parent()  # after setuid, which clears it
    try:
        layers["landlock"] = landlock.restrict_self(readable, [scratch])
    except OSError:
        layers["landlock"] = 0
    layers["seccomp"] = seccomp.install()
    return layers
