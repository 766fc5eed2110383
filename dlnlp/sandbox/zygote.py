"""The warm parent: imports torch once, installs the banned-API guards, then forks a worker per
request, so no submission pays interpreter start-up or `import torch`.

It is started by the grader (`python -m dlnlp.sandbox.zygote FD`) and never imports the hidden
tests, the references or the grader: a forked worker inherits nothing secret.

Control protocol on FD (SOCK_SEQPACKET): the grader sends a JSON request with the worker's
connection attached as an fd; the zygote answers {"pid": <launcher pid>}. {"op": "channel"}
with a SOCK_SEQPACKET fd attached opens one more control channel of the same protocol (one per
parallel grader process), answered on that channel. The launcher enters
new namespaces and forks the worker, which is pid 1 there; it tells the grader the worker's pid
on the worker connection and waits for it, then removes the scratch folder.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import torch

from dlnlp.cpus import autogroup_at_own_nice
from dlnlp.sandbox import cgroup, codec, guards, layers, worker


def _launch(
    conn: socket.socket, settings: dict, zygote: int, cgroups: tuple[Path, int] | None
) -> None:
    """In the forked launcher: namespaces and a memory cgroup, then the worker as their pid 1;
    when it is gone, its scratch folder and cgroup go too, whatever happened. SIGTERM (the
    zygote closing, or dying: its death signal to us) kills the worker first. Never returns."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, _Launched.on_term)
        os.setsid()
        # a session of its own is an autogroup of its own: at the grader's nice, not the default
        autogroup_at_own_nice()
        # the zygote dies with the grader, the worker with the launcher; the launcher outlives
        # the zygote just long enough to end its worker and clean up after it
        layers.die_with_parent(zygote, signal.SIGTERM)
        namespaces = layers.unshare_namespaces()
        scratch = tempfile.mkdtemp(prefix="dlnlp-worker-")
        group = None
        try:
            group = cgroups and cgroup.create(
                cgroups, os.path.basename(scratch), cgroup.limit_bytes(settings["memory_mb"])
            )
            namespaces["memory_cgroup"] = bool(group)
            _run_worker(conn, settings, namespaces, scratch, group)
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the clean-up runs to its end
            layers.remove_scratch(scratch)
            if group:
                cgroup.remove(group)
    finally:
        os._exit(0)


class _Launched:
    """The launcher's worker, for its SIGTERM handler."""

    pid = 0  # the worker's, once forked; 0 again once it is reaped
    stop = False  # SIGTERM came: the worker must not start (or must end)

    @classmethod
    def on_term(cls, *_) -> None:
        cls.stop = True
        if cls.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(cls.pid, signal.SIGKILL)


def _run_worker(
    conn: socket.socket, settings: dict, namespaces: dict, scratch: str, group: Path | None
) -> None:
    """Fork the worker, tell the grader its pid, let it start, wait until it is gone."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.close(ready_w)
        # the grader must know our pid before we start; no go-ahead (the launcher failed): stop
        go = os.read(ready_r, 1)
        os.close(ready_r)
        layers.die_with_parent()
        if go != b"1":
            os._exit(0)
        worker.main(conn, settings, namespaces, scratch)
    _Launched.pid = pid
    os.close(ready_r)
    try:
        if _Launched.stop:
            raise InterruptedError("the zygote is closing")
        if group:
            cgroup.add(group, pid)  # before it runs
        codec.send(conn, {"worker_pid": pid})
        conn.close()
        os.write(ready_w, b"1")
    except Exception:  # noqa: BLE001 - the grader is gone (a worker started ahead and never
        os.kill(pid, signal.SIGKILL)  # used), the zygote is closing, or no cgroup: it never runs
    finally:
        os.close(ready_w)
    os.waitpid(pid, 0)
    _Launched.pid = 0


def _warm_up() -> None:
    """Trigger torch's lazy imports once here, not in every worker."""
    x = torch.randn(2, 3, 4, requires_grad=True)
    y = torch.softmax(x @ x.transpose(-2, -1) / 2.0, dim=-1).masked_fill(
        torch.eye(3, dtype=torch.bool), 0
    )
    torch.autograd.grad(
        y, x, torch.ones_like(y)
    )  # grad_outputs: imports torch.fx's symbolic shapes (0.4 s)
    torch.einsum("bij,bjk->bik", x, x.transpose(-2, -1)).tril().sin().cos().exp().log1p()
    # torch.optim imports torch._dynamo on first use: 1-2 s, and it writes a cache under /tmp,
    # which a worker may not do. Students' training loops build optimizers, so do it here once.
    p = torch.zeros(2, requires_grad=True)
    for opt in (torch.optim.SGD([p], lr=0.1, momentum=0.9), torch.optim.Adam([p], lr=0.1)):
        p.grad = torch.ones_like(p)
        opt.step()
        opt.zero_grad()


def main() -> None:
    ctrl = socket.socket(fileno=int(sys.argv[1]))
    layers.die_with_parent()
    settings = json.loads(ctrl.recv(1 << 16))
    # one core per worker, parallelism from more workers; and no thread pool a worker would
    # start later: its seccomp filter refuses new threads (a ban watches only its own thread)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    _warm_up()
    missing = guards.install(settings["banned"])
    cgroups = cgroup.find_parent()
    # every object so far (torch's, the guards') is left out of garbage collection: a worker's
    # collections would otherwise walk them all, writing to (and so copying) their pages
    gc.collect()
    gc.freeze()
    ctrl.send(json.dumps({"ready": True, "missing": missing}).encode())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # launchers are reaped automatically
    # more control channels may be opened (one per parallel grader, {"op": "channel"}); each is
    # served in turn, and the zygote lives as long as the first one
    channels = [ctrl]
    launchers: list[int] = []  # those that may still be running
    serial = 0  # workers started so far
    while True:
        ready, _, _ = select.select(channels, [], [])
        for chan in ready:
            try:
                data, fds, _, _ = socket.recv_fds(chan, 1 << 16, 1)
            except OSError:
                data, fds = b"", []
            if not data:
                if chan is ctrl:  # the grader went away
                    _close(launchers)
                channels.remove(chan)
                chan.close()
                continue
            # each worker its own uid: the same for two at once only 50,000 workers apart
            request = {**settings, **json.loads(data), "uid": layers.worker_uid(serial)}
            serial += 1
            if request.get("op") == "channel":
                channels.append(socket.socket(fileno=fds[0]))
                continue
            conn = socket.socket(fileno=fds[0])
            zygote = os.getpid()
            pid = os.fork()
            if pid == 0:
                for c in channels:
                    c.close()
                _launch(conn, request, zygote, cgroups)
            conn.close()
            launchers = [p for p in launchers if _running(p)] + [pid]
            try:
                chan.send(json.dumps({"pid": pid}).encode())
            except OSError:  # the grader went away meanwhile (it started this worker ahead)
                if chan is ctrl:
                    _close(launchers)
                channels.remove(chan)
                chan.close()


def _running(pid: int) -> bool:
    """Is the launcher `pid` still there? (Reaped automatically: a finished one is gone.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _close(launchers: list[int], seconds: float = 5.0) -> None:
    """Exit once every launcher has killed its worker and removed its scratch folder and
    cgroup (their SIGKILL on our exit would leave those behind). No interpreter teardown: it
    takes ~0.8 s with torch loaded, and nothing is left to flush. Never returns."""
    for pid in launchers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    while any(_running(p) for p in launchers) and time.monotonic() < deadline:
        time.sleep(0.002)
    os._exit(0)


if __name__ == "__main__":
    main()
