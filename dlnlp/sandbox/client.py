"""The trusted side's handle on the sandbox: start the zygote, spawn workers, call, kill."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

from dlnlp.errors import SandboxError
from dlnlp.sandbox import codec, proc
from dlnlp.verdicts import Verdict


class WorkerFailure(Exception):
    """The worker could not answer: `verdict` is TIMEOUT | CRASH | PROTOCOL."""

    def __init__(self, verdict: Verdict, message: str) -> None:
        super().__init__(message)
        self.verdict = verdict


@dataclass
class Worker:
    sock: socket.socket
    launcher_pid: int
    worker_pid: int = 0
    layers: dict = field(default_factory=dict)
    alive: bool = True

    def request(self, msg: dict, timeout: float) -> dict:
        """Send one request and wait at most `timeout` seconds for the reply; on any failure
        the worker is killed and WorkerFailure raised."""
        if not self.alive:
            raise WorkerFailure(Verdict.CRASH, "the worker is no longer running")
        # one absolute deadline for sending, computing and the whole reply: a worker that
        # announces a large reply and trickles it is killed at the limit like one that loops
        deadline = time.monotonic() + timeout
        self.sock.settimeout(timeout)
        try:
            codec.send(self.sock, msg)
            reply = codec.recv(self.sock, deadline)
            if not isinstance(reply, dict) or "ok" not in reply:
                raise codec.CodecError("reply is not a result")
            return reply
        except TimeoutError:
            self.kill()
            raise WorkerFailure(
                Verdict.TIMEOUT, f"did not finish within the {timeout:g} s time limit"
            ) from None
        except (EOFError, ConnectionError, OSError):
            self.kill()
            raise WorkerFailure(
                Verdict.CRASH,
                "the worker process died (os._exit, a crash, or running out of memory)",
            ) from None
        except codec.CodecError as e:
            self.kill()
            raise WorkerFailure(
                Verdict.PROTOCOL, f"the worker sent an unreadable reply ({e})"
            ) from None

    def address_space_left(self) -> int | None:
        """Bytes the worker may still map under its address-space limit, as the kernel counts
        them (/proc, which the student's code cannot rewrite); None where /proc does not say."""
        if not (self.alive and self.worker_pid):
            return None
        size, cap = (
            proc.status_kb("VmSize", self.worker_pid),
            proc.address_space_cap(self.worker_pid),
        )
        return None if size is None or cap is None else cap - size * 1024

    def kill(self) -> None:
        """SIGKILL the worker: pid 1 of its namespace, so everything it started dies with it.
        Its launcher then reaps it and removes its scratch folder."""
        self.alive = False
        try:
            os.kill(self.worker_pid or self.launcher_pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.sock.close()


# what the zygote (and so every worker: its /proc/self/environ too) gets of the grader's
# environment: nothing else, so no token or path the grader was started with reaches a student.
# ATEN_CPU_CAPABILITY (torch's kernel family, default|avx2|avx512) goes on so that a grader
# forced to another CPU's kernels runs the student's code on them too, not on this CPU's.
_PASSED_ON = ("PYTHONPATH", "ATEN_CPU_CAPABILITY")


def sandbox_environment() -> dict[str, str]:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONNOUSERSITE": "1"}
    return env | {k: os.environ[k] for k in _PASSED_ON if k in os.environ}


class Zygote:
    """A warm parent process that forks isolated workers. Use as a context manager."""

    def __init__(
        self, banned: list[str], secrets: list[str], memory_mb: int, cpu_seconds: int
    ) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dlnlp.sandbox.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=sandbox_environment(),
        )
        theirs.close()
        self.ctrl = ours
        settings = {
            "banned": banned,
            "secrets": secrets,
            "memory_mb": memory_mb,
            "cpu_seconds": cpu_seconds,
        }
        self.ctrl.send(json.dumps(settings).encode())
        # it warms up (imports torch) while the grader goes on; the first spawn waits for it
        self.missing_banned: list[str] | None = None
        self._spawner: Spawner | None = None  # this process's own channel: ctrl

    def ready(self) -> Zygote:
        """Wait until the zygote has started (torch imported, guards installed)."""
        if self.missing_banned is None:
            self.ctrl.settimeout(120)
            reply = self.ctrl.recv(1 << 16)
            if not reply:
                raise SandboxError("the sandbox's warm parent failed to start (see the log above)")
            self.missing_banned = json.loads(reply)["missing"]
        return self

    def channel(self) -> Spawner:
        """A control channel of its own, for one more grader process (a parallel batch)."""
        self.ready()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        socket.send_fds(self.ctrl, [json.dumps({"op": "channel"}).encode()], [theirs.fileno()])
        theirs.close()
        return Spawner(ours)

    def spawn(self, timeout: float = 30) -> Worker:
        if self._spawner is None:
            self._spawner = Spawner(self.ready().ctrl)
        return self._spawner.spawn(timeout)

    def close(self) -> None:
        if self._spawner is not None:
            self._spawner.close()
        self.ctrl.close()  # the zygote ends its launchers (workers, scratch folders), then exits
        if self.missing_banned is None:  # never used (nothing to grade): no need to wait
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Spawner:
    """One control channel to the zygote: forks workers on request (one grader process each).

    One worker is always started ahead: the zygote forks it while the grader works with the
    last one, so a submission does not wait for its worker's fork (~20 ms). It is forked
    exactly as at the moment it is needed and holds nothing until it is sent a submission."""

    ctrl: socket.socket
    _ahead: socket.socket | None = None  # the next worker's connection, its fork requested

    def _request(self) -> socket.socket:
        ours, theirs = socket.socketpair()
        socket.send_fds(self.ctrl, [b"{}"], [theirs.fileno()])
        theirs.close()
        return ours

    def spawn(self, timeout: float = 30) -> Worker:
        """A worker, isolated and ready to load a submission."""
        ours, self._ahead = self._ahead or self._request(), None
        # the zygote answers requests in order: this reply is for `ours`
        worker = Worker(ours, json.loads(self.ctrl.recv(1 << 16))["pid"])
        self._ahead = self._request()
        deadline = time.monotonic() + timeout
        try:
            worker.worker_pid = int(codec.recv(ours, deadline)["worker_pid"])
            hello = codec.recv(ours, deadline)
            if hello.get("hello") is None:
                raise SandboxError(hello.get("error", "no greeting"))
            worker.layers = hello["hello"]
        except (OSError, EOFError, codec.CodecError, KeyError, TypeError, RuntimeError) as e:
            worker.kill()
            raise SandboxError(f"a sandbox worker failed to start: {e}") from None
        return worker

    def close(self) -> None:
        """Let the worker started ahead go (it reads the end of its connection and exits)."""
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None
