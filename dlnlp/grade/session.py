"""One submission's sandbox session, and the `student` proxy the hidden tests call through.

The session owns the worker: it spawns it lazily, loads the notebook's code into it, and after a
timeout, crash or memory overrun marks that function as failed and replaces the worker, so the
student's other functions are still graded.
"""

from __future__ import annotations

import time

from dlnlp.config import Limits
from dlnlp.grade.extract import Extracted
from dlnlp.sandbox.client import Worker, WorkerFailure, Zygote
from dlnlp.sandbox.codec import Ref


class StudentError(Exception):
    """A call into student code failed; `message` is safe to show the student."""

    def __init__(self, function: str, kind: str, message: str, traceback: str = "") -> None:
        super().__init__(message)
        self.function, self.kind, self.message, self.traceback = function, kind, message, traceback


def _failure_text(fn: str, kind: str, detail: str, limits: Limits) -> str:
    return {
        "timeout": f"{fn} did not finish within the time limit of {limits.call_seconds:g} s per call (an infinite loop?)",
        "crash": f"{fn} stopped the grading process (os._exit, a crash, or running out of memory)",
        "memory": f"{fn} exceeded the memory limit ({limits.memory_mb} MB)",
        "protocol": f"{fn}: {detail}",
        "total_timeout": f"not run: the submission used its whole time budget of {limits.total_seconds:g} s",
        "load": f"{fn} could not be graded: loading your notebook's code failed ({detail})",
        "lost": f"{fn} could not be graded: the object it works on was lost when an earlier call failed",
    }.get(kind, detail)


class Session:
    def __init__(
        self,
        zygote: Zygote,
        extracted: Extracted,
        banned: dict[str, list[str]],
        limits: Limits,
        call_seconds: dict[str, float] | None = None,
    ) -> None:
        self.zygote, self.extracted, self.banned, self.limits = zygote, extracted, banned, limits
        self.call_seconds = call_seconds or {}
        self.worker: Worker | None = None
        self.fatal: dict[str, StudentError] = {}
        self.banned_hits: dict[str, list[str]] = {}
        self.load_problems: list[str] = []
        self.layers: dict = {}
        self.generation = 0  # counts workers: a Remote from an earlier worker names nothing
        self.deadline = time.monotonic() + limits.total_seconds

    def _ready_worker(self, fn: str) -> Worker:
        if self.worker is not None and self.worker.alive:
            return self.worker
        self.worker = self.zygote.spawn()
        self.generation += 1
        self.layers = self.worker.layers
        try:
            loaded = self.worker.request(
                {"op": "load", "cells": self.extracted.to_wire()}, self._timeout()
            )
        except WorkerFailure as e:
            raise StudentError(fn, "load", _failure_text(fn, "load", str(e), self.limits)) from None
        if loaded["ok"] and not self.load_problems:
            self.load_problems = loaded["value"]["problems"]
        return self.worker

    def _timeout(self, fn: str = "") -> float:
        limit = self.call_seconds.get(fn, self.limits.call_seconds)
        return max(0.0, min(limit, self.deadline - time.monotonic()))

    def request(self, fn: str, msg: dict, generation: int | None = None):
        """Run one call in the worker; return its value or raise StudentError.

        `generation`: for a call on a kept object, the worker generation that keeps it."""
        if fn in self.extracted.missing:
            raise StudentError(fn, "missing", self.extracted.missing[fn])
        if fn in self.fatal:
            raise self.fatal[fn]
        if generation is not None:
            self.check_current(fn, generation)
        if self._timeout() <= 0:
            raise StudentError(
                fn, "total_timeout", _failure_text(fn, "total_timeout", "", self.limits)
            )
        try:
            worker = self._ready_worker(fn)
            reply = worker.request(
                {**msg, "fn": fn, "banned": self.banned.get(fn, [])}, self._timeout(fn)
            )
            if msg.get("keep") and isinstance(reply.get("value"), Ref):
                reply["value"] = Remote(self, fn, reply["value"], self.generation)
        except WorkerFailure as e:
            kind = (
                "total_timeout"
                if e.kind == "timeout" and self.deadline <= time.monotonic()
                else e.kind
            )
            self.fatal[fn] = StudentError(fn, kind, _failure_text(fn, kind, str(e), self.limits))
            raise self.fatal[fn] from None
        except StudentError as e:
            self.fatal[fn] = e
            raise
        if reply["ok"]:
            return reply["value"]
        err = reply["error"]
        kind = err["kind"]
        if kind == "banned":
            apis = err["message"].split(", ")
            self.banned_hits.setdefault(fn, [])
            self.banned_hits[fn] += [a for a in apis if a not in self.banned_hits[fn]]
            raise StudentError(
                fn, kind, f"{fn} uses {err['message']}, which is not allowed in this function"
            )
        if kind == "memory":  # reclaim the memory: fresh worker for the next function
            self.worker.kill()
            self.fatal[fn] = StudentError(
                fn, kind, _failure_text(fn, kind, "", self.limits), err["traceback"]
            )
            raise self.fatal[fn]
        if kind == "missing":
            raise StudentError(fn, kind, f"{fn} is not defined after loading your notebook")
        if kind == "unserializable":
            raise StudentError(
                fn, kind, f"{fn} returned something that cannot be graded: {err['message']}"
            )
        message = (
            f"{fn} raised {err['type']}: {err['message']}"
            if err["message"]
            else f"{fn} raised {err['type']}"
        )
        if err["type"] == "NotImplementedError":
            kind, message = (
                "not_implemented",
                f"{fn} is not implemented yet (it raised NotImplementedError)",
            )
        raise StudentError(fn, kind, message, err["traceback"])

    def check_current(self, fn: str, generation: int) -> None:
        """Raise StudentError when an object kept by worker `generation` is gone (replaced)."""
        if generation != self.generation or self.worker is None or not self.worker.alive:
            raise StudentError(fn, "lost", _failure_text(fn, "lost", "", self.limits))

    def seed(self, seed: int) -> None:
        """Seed the worker's torch, numpy and random generators (for tests of sampling code)."""
        if self._timeout() > 0:
            try:
                self._ready_worker("seed").request(
                    {"op": "seed", "seed": int(seed)}, self._timeout()
                )
            except (WorkerFailure, StudentError):
                pass  # the next call reports what went wrong with the worker

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()


class Remote:
    """A student's object kept in the worker (e.g. a model): `remote(*args)` calls it there,
    `remote.method(name, ...)` calls one of its methods, `remote.probe(name)` runs a kit probe
    (dlnlp.sandbox.probes) on it. Calls count against the limits and bans of `fn`, the
    function or class that made it. Passed as an argument to `student.f`, it arrives as itself."""

    def __init__(self, session: Session, fn: str, ref: Ref, generation: int) -> None:
        self._session, self.fn, self.ref, self._generation = session, fn, ref, generation

    def _call(self, op: dict):
        return self._session.request(
            self.fn, {**op, "target": self.ref.id}, generation=self._generation
        )

    def __call__(self, *args, **kwargs):
        return self._call({"op": "call", "args": _refs(args), "kwargs": _refs(kwargs)})

    def method(self, name: str, *args, **kwargs):
        return self._call(
            {"op": "call", "method": name, "args": _refs(args), "kwargs": _refs(kwargs)}
        )

    def probe(self, name: str, *args):
        return self._call({"op": "probe", "name": name, "args": _refs(args)})


def _refs(value):
    """Arguments with each Remote replaced by the Ref the worker knows it by.

    Raises StudentError when a Remote belongs to a worker that has since been replaced."""
    if isinstance(value, Remote):
        value._session.check_current(value.fn, value._generation)
        return value.ref
    if isinstance(value, (list, tuple)):
        return type(value)(_refs(v) for v in value)
    if isinstance(value, dict):
        return {k: _refs(v) for k, v in value.items()}
    return value


class StudentProxy:
    """What a hidden test sees as `student`: `student.f(*args)` runs f in the sandbox.

    Arguments and results cross as tensors, numbers, tuples and lists only, except that
    `student.keep.f(*args)` keeps f's result (e.g. a model) in the worker and returns a `Remote`.
    `student.grad(f, *args, wrt=[i, ...], grad_output=g, output_index=k)` returns the gradients
    of <f(*args)[k], g> with respect to args[i], computed in the worker.
    """

    def __init__(self, session: Session, keep: bool = False) -> None:
        self._session, self._keep = session, keep

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            return self._session.request(
                name,
                {
                    "op": "call",
                    "args": _refs(list(args)),
                    "kwargs": _refs(kwargs),
                    "keep": self._keep,
                },
            )

        return call

    @property
    def keep(self) -> StudentProxy:
        """`student.keep.TextClassifier(...)`: the result stays in the worker, as a Remote."""
        return StudentProxy(self._session, keep=True)

    def seed(self, seed: int) -> None:
        """Seed the sandbox's random generators before calls that sample."""
        self._session.seed(seed)

    def grad(
        self, fn: str, *args, wrt: list[int], grad_output, output_index: int | None = None, **kwargs
    ):
        return self._session.request(
            fn,
            {
                "op": "grad",
                "args": list(args),
                "kwargs": kwargs,
                "wrt": list(wrt),
                "grad_output": grad_output,
                "output_index": output_index,
            },
        )
