"""A pool of warm grader processes: forked from the batch's parent (torch, the kit and the
hidden tests already imported), each with its own control channel to the shared zygote.

A grader process grades the task index it is sent, writes that student's outputs itself (so
they are on disk whatever happens to the parent), and replies with the Results as JSON. The
parent hands out tasks, one at a time per process, and reports each result as it arrives. A
grader process that dies (our bug, the OOM killer) costs only its task, which the parent then
records as an internal error; a fresh process takes its place.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from dlnlp.results import Results
from dlnlp.sandbox import codec, layers
from dlnlp.sandbox.client import Spawner, Zygote

GRADER_HEADROOM_MB = 1024  # address space a grader process may add to what it was forked with
GradeOne = Callable[[Spawner, int], Results]  # (its zygote channel, task index) -> Results


@dataclass
class _Child:
    pid: int
    sock: socket.socket
    task: int | None = None


def _child(sock: socket.socket, spawner: Spawner, grade_one: GradeOne, parent: int) -> None:
    """A grader process's life: grade each task index sent, until the parent closes. Never returns."""
    code = 0
    try:
        layers.die_with_parent(parent)
        # a grader holds one student's replies at a time (each bounded by the codec): past this,
        # a MemoryError costs that student's grade (an internal error, retried by a re-run),
        # never the batch or the machine
        layers.limit_address_space(GRADER_HEADROOM_MB)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: stop at once; the parent reports
        while True:
            try:
                index = codec.recv(sock)["task"]
            except (EOFError, OSError):
                break
            try:
                reply = {"results": grade_one(spawner, index).model_dump_json()}
            except Exception:  # noqa: BLE001 - reported by the parent as an internal error
                reply = {"error": traceback.format_exc()}
            codec.send(sock, reply)
    except BaseException:  # noqa: BLE001
        code = 1
    finally:
        os._exit(code)


class Pool:
    def __init__(self, zygote: Zygote, jobs: int, grade_one: GradeOne) -> None:
        self.zygote, self.jobs, self.grade_one = zygote, jobs, grade_one
        self.children: dict[int, _Child] = {}  # by socket fd
        self.selector = selectors.DefaultSelector()

    def _fork(self) -> _Child:
        spawner = self.zygote.channel()
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            ours.close()
            for other in self.children.values():
                other.sock.close()
            _child(theirs, spawner, self.grade_one, parent)
        theirs.close()
        spawner.ctrl.close()  # the child holds it: it closes with the child
        child = _Child(pid, ours)
        self.children[ours.fileno()] = child
        self.selector.register(ours, selectors.EVENT_READ)
        return child

    def _retire(self, child: _Child) -> None:
        self.selector.unregister(child.sock)
        del self.children[child.sock.fileno()]
        child.sock.close()
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(child.pid, 0)

    def run(
        self,
        tasks: list[int],
        on_result: Callable[[int, Results | None, str], None],
    ) -> None:
        """Grade every task; `on_result(task, results, error)` is called in the parent as each
        finishes (results None and error set when the grader process failed on it)."""
        todo = list(reversed(tasks))
        try:
            for _ in range(min(self.jobs, len(tasks))):
                self._give(self._fork(), todo)
            while any(c.task is not None for c in self.children.values()):
                for key, _ in self.selector.select():
                    child = self.children[key.fd]  # the fd of its socket, as registered
                    task = child.task
                    if task is None:  # a grader writes only when given a task
                        raise RuntimeError(f"grader process {child.pid} closed with no task")
                    try:
                        reply = codec.recv(child.sock, bounded=False)  # our own grader's Results
                    except (EOFError, OSError, codec.CodecError):
                        self._retire(child)
                        on_result(task, None, "the grading process died")
                        if todo:
                            self._give(self._fork(), todo)
                        continue
                    child.task = None
                    if "results" in reply:
                        on_result(task, Results.model_validate_json(reply["results"]), "")
                    else:
                        on_result(task, None, reply.get("error", "unknown error"))
                    self._give(child, todo)
        finally:
            for child in list(self.children.values()):
                self._retire(child)
            self.selector.close()

    def _give(self, child: _Child, todo: list[int]) -> None:
        if todo:
            child.task = todo.pop()
            codec.send(child.sock, {"task": child.task})
