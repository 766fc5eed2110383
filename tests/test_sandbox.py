"""Is the worker isolated as documented, and is the wire format safe to read?"""

from __future__ import annotations

import errno
import os
import pickle
import platform
import socket
import struct
import time
from pathlib import Path

import pytest
import torch

from conftest import COURSE
from dlnlp.sandbox import cgroup, codec, landlock
from dlnlp.sandbox.client import WorkerFailure, Zygote


@pytest.fixture(scope="module")
def zygote():
    with Zygote(
        ["torch.nn.functional.scaled_dot_product_attention"],
        [str(p) for p in COURSE.secrets()],
        512,
        60,
    ) as z:
        yield z


def _load(worker, source: str) -> dict:
    import ast

    keep = list(range(len(ast.parse(source).body)))
    return worker.request(
        {"op": "load", "cells": [{"filename": "<cell 1>", "source": source, "keep": keep}]}, 10
    )


def test_layers_in_force_are_reported(zygote):
    """Are the layers this machine offers all in force (root, Landlock ABI >= 1)?"""
    w = zygote.spawn()
    w.kill()
    assert set(w.layers) == {
        "pid_namespace",
        "net_namespace",
        "mount_namespace",
        "ipc_namespace",
        "memory_cgroup",
        "rlimits",
        "unprivileged_user",
        "landlock",
        "seccomp",
    }
    if landlock.abi_version():
        assert w.layers["landlock"] >= 1
    if os.geteuid() == 0:
        assert (
            w.layers["unprivileged_user"]
            and w.layers["pid_namespace"]
            and w.layers["net_namespace"]
        )


def test_worker_cannot_read_secrets_or_write_outside_scratch(zygote):
    w = zygote.spawn()
    _load(
        w,
        f"""
import errno
import os
import platform
def probe():
    seen = []
    for p in [{str(COURSE.solution("attention"))!r}, {str(COURSE.config_path)!r}, "/root/.bash_history"]:
        try:
            open(p).read(1)
            seen.append(p)
        except OSError:
            pass
    try:
        open({str(COURSE.root / "pwned.txt")!r}, "w").write("x")
        seen.append("wrote")
    except OSError:
        pass
    return seen
""",
    )
    try:
        assert w.request({"op": "call", "fn": "probe"}, 10)["value"] == []
    finally:
        w.kill()
    assert not (COURSE.root / "pwned.txt").exists()


def test_a_forced_kernel_family_reaches_the_worker(monkeypatch):
    """Does a grader run with ATEN_CPU_CAPABILITY=default (another CPU's kernels) run the
    student's code on those kernels too, and pass on nothing else of its environment?"""
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "default")
    monkeypatch.setenv("DLNLP_TEST_CANARY", "secret")
    with Zygote([], [], 512, 60) as z:
        w = z.spawn()
        source = "import os, torch\ndef seen():\n    return [torch.backends.cpu.get_cpu_capability(), os.environ.get('DLNLP_TEST_CANARY')]\n"
        _load(w, source)
        try:
            assert w.request({"op": "call", "fn": "seen"}, 10)["value"] == ["DEFAULT", None]
        finally:
            w.kill()


def test_worker_runs_as_its_own_pid_1(zygote):
    w = zygote.spawn()
    _load(w, "import os\ndef pid():\n    return os.getpid()\n")
    try:
        if w.layers["pid_namespace"]:
            assert w.request({"op": "call", "fn": "pid"}, 10)["value"] == 1
    finally:
        w.kill()


def test_timeout_kills_the_worker(zygote):
    w = zygote.spawn()
    _load(w, "def spin():\n    while True:\n        pass\n")
    with pytest.raises(WorkerFailure) as e:
        w.request({"op": "call", "fn": "spin"}, 0.5)
    assert e.value.verdict == "timeout" and not w.alive


def test_tensors_round_trip_exactly():
    value = {
        "a": (torch.randn(2, 3, dtype=torch.float64), None, [1, 2.5, True, "x"]),
        "m": torch.ones(2, dtype=torch.bool),
    }
    back = codec.decode(codec.encode(value))
    assert (
        torch.equal(back["a"][0], value["a"][0])
        and back["a"][1:] == value["a"][1:]
        and torch.equal(back["m"], value["m"])
    )


def test_codec_refuses_objects_it_cannot_represent():
    with pytest.raises(codec.CodecError):
        codec.encode(object())


def test_pickle_bytes_are_not_executed():
    """A reply carrying a pickle payload is rejected as malformed, never unpickled."""
    payload = pickle.dumps(os.system)
    with pytest.raises(codec.CodecError):
        codec.decode(struct.pack("<Q", 4) + b"null" + payload)


def test_oversized_frame_is_refused():
    a, b = socket.socketpair()
    a.sendall(struct.pack("<Q", codec.MAX_FRAME + 1))
    with pytest.raises(codec.CodecError):
        codec.recv(b)


def test_runtime_guard_sees_modules_methods_and_classes():
    """Banned modules, tensor methods and classes are caught at run time; torch.no_grad is not a ban."""
    banned = ["torch.autograd", "torch.Tensor.sigmoid", "torch.nn.Sigmoid"]
    with Zygote(banned, [], 512, 60) as z:
        w = z.spawn()
        _load(
            w,
            "import torch\n"
            "def ok(x):\n    with torch.no_grad():\n        return 1 / (1 + torch.exp(-x))\n"
            "def method(x):\n    return getattr(x, 'sig' + 'moid')()\n"
            "def module(x):\n    x = x.clone().requires_grad_()\n    return torch.autograd.grad(x.sum(), x)[0]\n"
            "def cls(x):\n    return torch.nn.Sigmoid()(x)\n",
        )
        x = torch.randn(3)
        try:
            assert w.request({"op": "call", "fn": "ok", "args": [x], "banned": banned}, 10)["ok"]
            for fn, entry in [
                ("method", "torch.Tensor.sigmoid"),
                ("module", "torch.autograd"),
                ("cls", "torch.nn.Sigmoid"),
            ]:
                reply = w.request({"op": "call", "fn": fn, "args": [x], "banned": banned}, 10)
                assert reply["error"]["kind"] == "banned" and reply["error"]["apis"] == [entry]
        finally:
            w.kill()


def test_training_loops_with_torch_optim_work_in_the_sandbox(zygote):
    """Do optimizers (which import torch._dynamo and write caches lazily) run in a worker?"""
    w = zygote.spawn()
    _load(
        w,
        "import torch\n"
        "def fit(steps):\n"
        "    p = torch.zeros(3, requires_grad=True)\n"
        "    opt = torch.optim.Adam([p], lr=0.1)\n"
        "    for _ in range(steps):\n"
        "        opt.zero_grad()\n"
        "        loss = ((p - 1) ** 2).sum()\n"
        "        loss.backward()\n"
        "        opt.step()\n"
        "    return loss.item()\n",
    )
    try:
        for _ in range(2):
            reply = w.request({"op": "call", "fn": "fit", "args": [50]}, 10)
            assert reply["ok"] and reply["value"] < 1.0, reply
    finally:
        w.kill()


def test_scratch_space_is_small_and_private(zygote):
    """The only writable folder is a 32 MB tmpfs: student code cannot fill the disk."""
    w = zygote.spawn()
    _load(
        w,
        "import os, tempfile\n"
        "def fill():\n"
        "    written = 0\n"
        "    try:\n"
        "        for i in range(10):\n"
        "            with open(os.path.join(tempfile.gettempdir(), f'blob{i}'), 'wb') as f:\n"
        "                f.write(b'x' * 20_000_000)\n"
        "            written += 20\n"
        "    except OSError:\n"
        "        pass\n"
        "    return written\n",
    )
    try:
        if w.layers["mount_namespace"]:
            assert w.request({"op": "call", "fn": "fill"}, 10)["value"] < 40
    finally:
        w.kill()


def test_closing_the_sandbox_leaves_no_process_scratch_folder_or_cgroup_behind():
    """Workers left running, one killed at its time limit, and the one started ahead: once the
    grader closes the sandbox, each is gone with its scratch folder and memory cgroup (the
    zygote waits for its launchers to clean up before it exits)."""
    parent = cgroup.find_parent()
    z = Zygote([], [str(p) for p in COURSE.secrets()], 512, 60)
    try:
        where = "import os\ndef where():\n    return os.getcwd()\ndef spin():\n    while True:\n        pass\n"
        seen = []  # (launcher pid, scratch folder) of each worker
        for _ in range(2):
            w = z.spawn()
            _load(w, where)
            seen.append((w.launcher_pid, w.request({"op": "call", "fn": "where"}, 10)["value"]))
            assert os.path.isdir(seen[-1][1])
        with pytest.raises(WorkerFailure):  # the second is killed at its time limit
            w.request({"op": "call", "fn": "spin"}, 0.5)
        w = z.spawn()  # the third is left running, waiting for its next call
        _load(w, where)
        seen.append((w.launcher_pid, w.request({"op": "call", "fn": "where"}, 10)["value"]))
        ahead = z._spawner._ahead
        assert ahead is not None  # a fourth was started ahead
    finally:
        z.close()
    for launcher, scratch in seen:
        assert not os.path.exists(scratch), scratch
        with pytest.raises(ProcessLookupError):
            os.kill(launcher, 0)
        if parent is not None:
            assert not (parent[0] / os.path.basename(scratch)).exists()


def test_a_killed_sandbox_leaves_no_scratch_folder_behind():
    """The grader killed (kill -9, the OOM killer) takes the zygote with it, at once: its
    launchers, told by their death signal, still end their workers and clean up."""
    z = Zygote([], [str(p) for p in COURSE.secrets()], 512, 60)
    try:
        w = z.spawn()
        _load(w, "import os\ndef where():\n    return os.getcwd()\n")
        launcher, scratch = w.launcher_pid, w.request({"op": "call", "fn": "where"}, 10)["value"]
        z.proc.kill()  # as the zygote's own death signal does when the grader dies
        z.proc.wait()
        for _ in range(500):  # the launchers clean up after the zygote is gone
            if not os.path.exists(scratch) and not _running(launcher):
                break
            time.sleep(0.01)
        assert not os.path.exists(scratch)
        assert not _running(launcher)
    finally:
        z.close()


def _running(pid: int) -> bool:
    """Is `pid` running (not gone, and not a zombie that its new parent, init, has yet to reap)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _call(worker, source: str, fn: str = "probe"):
    _load(worker, source)
    return worker.request({"op": "call", "fn": fn}, 20)["value"]


SYSCALL = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def syscall(nr, *args):
    ctypes.set_errno(0)
    ret = libc.syscall(nr, *[ctypes.c_long(a) for a in args])
    return ret, ctypes.get_errno()
"""


def test_each_call_docker_denies_fails_with_eperm(zygote):
    """Every call of the floor (keys, ptrace, bpf, mounts, namespaces, modules, io_uring,
    personality, memfd and SysV memory, new processes, programs and sockets) fails with EPERM
    in the worker; clone3 with ENOSYS (a thread library then tries clone, denied too)."""
    from dlnlp.sandbox import seccomp

    numbers = seccomp._ARCHES[platform.machine()][1]
    floor = {name: numbers[name] for name in seccomp.FLOOR if name in numbers}
    w = zygote.spawn()
    try:
        if not w.layers["seccomp"]:
            pytest.skip("no seccomp layer on this machine")
        said = _call(
            w,
            SYSCALL
            + f"def probe():\n    return {{n: syscall(nr) for n, nr in {floor!r}.items()}}\n",
        )
        clone3 = _call(w, SYSCALL + f"def probe():\n    return syscall({numbers['clone3']})\n")
    finally:
        w.kill()
    assert {n: tuple(v) for n, v in said.items()} == {n: (-1, errno.EPERM) for n in floor}
    assert tuple(clone3) == (-1, errno.ENOSYS)


def test_the_worker_starts_no_thread_and_no_process(zygote):
    """A ban watches its own thread only: the worker can start none (seccomp refuses clone),
    torch's pools were set to one thread before it was forked, and it runs on one thread
    (counted from outside: /proc is closed to it)."""
    w = zygote.spawn()
    try:
        said = _call(
            w,
            "import os, threading, torch\n"
            "def probe():\n"
            "    out = {}\n"
            "    try:\n"
            "        threading.Thread(target=print).start()\n"
            "        out['thread'] = 'started'\n"
            "    except RuntimeError:\n"
            "        out['thread'] = 'refused'\n"
            "    try:\n"
            "        out['fork'] = os.fork()\n"
            "    except OSError as e:\n"
            "        out['fork'] = e.errno\n"
            "    torch.randn(256, 256) @ torch.randn(256, 256)\n"
            "    out['threads'] = [torch.get_num_threads(), torch.get_num_interop_threads()]\n"
            "    return out\n",
        )
        tasks = os.listdir(f"/proc/{w.worker_pid}/task")
    finally:
        w.kill()
    assert said == {"thread": "refused", "fork": errno.EPERM, "threads": [1, 1]}
    assert len(tasks) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="a uid of each worker's own needs root")
def test_each_worker_runs_under_a_uid_of_its_own(zygote):
    """Two workers at once, then a third: three uids, none the grader's or root's."""
    workers = [zygote.spawn() for _ in range(3)]
    try:
        uids = [
            _call(
                w,
                "import os\ndef probe():\n    return [os.getuid(), os.getgid(), os.getgroups()]\n",
            )
            for w in workers[:2]
        ]
        workers[0].kill()
        uids.append(
            _call(
                workers[2],
                "import os\ndef probe():\n    return [os.getuid(), os.getgid(), os.getgroups()]\n",
            )
        )
    finally:
        for w in workers:
            w.kill()
    assert len({u for u, _, _ in uids}) == 3 and all(
        u == g and u >= 1000 and not groups for u, g, groups in uids
    )
    assert os.getuid() not in {u for u, _, _ in uids}


def test_nothing_one_worker_makes_reaches_the_next(zygote):
    """A key, a file, a socket or an IPC object made by one worker: the next one sees none.
    The first cannot make most of them at all (EPERM); its files die with its scratch."""
    from dlnlp.sandbox import seccomp

    add_key = seccomp._ARCHES[platform.machine()][1]["add_key"]
    first = zygote.spawn()
    try:
        made = _call(
            first,
            SYSCALL + "import socket\n"
            "def probe():\n"
            "    out = {}\n"
            f"    out['add_key'] = syscall({add_key}, 0, 0, 0, 0, 0)\n"
            "    try:\n"
            "        socket.socket(socket.AF_UNIX).bind('\\0dlnlp-leak')\n"
            "        out['socket'] = 'made'\n"
            "    except OSError as e:\n"
            "        out['socket'] = e.errno\n"
            "    open('left-behind.txt', 'w').write('hidden data')\n"
            "    for place in ('/tmp/leak', '/dev/shm/leak', '/var/tmp/leak'):\n"
            "        try:\n"
            "            open(place, 'w').write('x')\n"
            "            out[place] = 'written'\n"
            "        except OSError as e:\n"
            "            out[place] = 'refused'\n"
            "    return out\n",
        )
    finally:
        first.kill()
    assert made["socket"] == errno.EPERM and made["add_key"][0] == -1
    assert all(made[p] == "refused" for p in ("/tmp/leak", "/dev/shm/leak", "/var/tmp/leak"))
    second = zygote.spawn()
    try:
        seen = _call(second, "import os\ndef probe():\n    return os.listdir('.')\n")
    finally:
        second.kill()
    assert seen == []
