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

import gc
import json
import os
import select
import signal
import socket
import sys
import tempfile
from pathlib import Path

import torch

from dlnlp.sandbox import cgroup, codec, guards, layers, worker


def _launch(
    conn: socket.socket, settings: dict, zygote: int, cgroups: tuple[Path, int] | None
) -> None:
    """In the forked launcher: namespaces and a memory cgroup, then the worker as their pid 1.
    Never returns."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        # the zygote dies with the grader, the launcher with the zygote, the worker with the
        # launcher: a killed grader leaves nothing running
        layers.die_with_parent(zygote)
        namespaces = layers.unshare_namespaces()
        scratch = tempfile.mkdtemp(prefix="dlnlp-worker-")
        group = cgroups and cgroup.create(
            cgroups, os.path.basename(scratch), cgroup.limit_bytes(settings["memory_mb"])
        )
        namespaces["memory_cgroup"] = bool(group)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_w)
            os.read(ready_r, 1)  # the grader must know our pid before we start
            os.close(ready_r)
            layers.die_with_parent()
            worker.main(conn, settings, namespaces, scratch)
        os.close(ready_r)
        if group:
            cgroup.add(group, pid)  # before it runs: a failure here kills it (finally)
        codec.send(conn, {"worker_pid": pid})
        conn.close()
        os.write(ready_w, b"1")
        os.close(ready_w)
        os.waitpid(pid, 0)
        layers.remove_scratch(scratch)
        if group:
            cgroup.remove(group)
    finally:
        os._exit(0)


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
    torch.set_num_threads(1)  # one core per worker; parallelism comes from more workers
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
    while True:
        ready, _, _ = select.select(channels, [], [])
        for chan in ready:
            try:
                data, fds, _, _ = socket.recv_fds(chan, 1 << 16, 1)
            except OSError:
                data, fds = b"", []
            if not data:
                if chan is ctrl:  # the grader went away: no interpreter teardown (~0.8 s
                    os._exit(0)  # with torch loaded), nothing is left to flush
                channels.remove(chan)
                chan.close()
                continue
            request = {**settings, **json.loads(data)}
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
            chan.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    main()
