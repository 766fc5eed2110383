"""One submission's sandbox session, and the `student` proxy the hidden tests call through.

The session owns the worker: it spawns it lazily, loads the notebook's code into it, and after a
timeout, crash or memory overrun marks that function as failed and replaces the worker, so the
student's other functions are still graded.
"""

from __future__ import annotations

import contextlib
import time

from dlnlp.config import Limits
from dlnlp.grade.extract import Extracted
from dlnlp.grade.untrusted import MESSAGE, clip, clip_name, clip_problems, clip_traceback
from dlnlp.sandbox.client import Worker, WorkerFailure, Zygote
from dlnlp.sandbox.codec import Ref

# what a worker's failure reply may say it was (dlnlp/sandbox/worker.py)
_WORKER_KINDS = {"missing", "exception", "memory", "banned", "unserializable"}
_FORGED = "the worker sent a reply that is not a valid result"
# kinds whose message the kit writes (the others carry the student's own text)
_FIXED_TEXT = {
    "timeout", "total_timeout", "crash", "memory", "protocol", "load", "lost", "missing",
    "not_implemented", "banned",
}  # fmt: skip
_HIDDEN_TEXT = (
    "{fn} failed on the grader's held-out data; its error message is not shown, since it could "
    "carry that data. Check that it works on inputs like the training data's"
)


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
        self.hidden = 0  # > 0 while the worker holds hidden inputs (holding_hidden_inputs)

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
        value = loaded.get("value")
        if loaded["ok"] and isinstance(value, dict) and not self.load_problems:
            self.load_problems = clip_problems(value.get("problems"))
        return self.worker

    def _timeout(self, fn: str = "") -> float:
        limit = self.call_seconds.get(fn, self.limits.call_seconds)
        return max(0.0, min(limit, self.deadline - time.monotonic()))

    def request(self, fn: str, msg: dict, generation: int | None = None):
        """Run one call in the worker; return its value or raise StudentError.

        `generation`: for a call on a kept object, the worker generation that keeps it."""
        try:
            return self._request(fn, msg, generation)
        except StudentError as e:
            if self.hidden and (e.kind not in _FIXED_TEXT or e.traceback):
                raise self._veil(e) from None
            raise

    @contextlib.contextmanager
    def holding_hidden_inputs(self):
        """While the worker holds hidden data (a held-out split), whatever the student's code
        says must not reach the student: a failure's text becomes a fixed message, with no
        traceback. On leaving, the worker is retired, so nothing it kept can speak later."""
        self.hidden += 1
        try:
            yield
        finally:
            self.hidden -= 1
            if not self.hidden and self.worker is not None:
                self.worker.kill()  # the next call gets a fresh worker; kept objects are lost

    def _veil(self, e: StudentError) -> StudentError:
        """`e` with its student-written text replaced (also where it is kept for later calls)."""
        text = e.message if e.kind in _FIXED_TEXT else _HIDDEN_TEXT.format(fn=e.function)
        veiled = StudentError(e.function, e.kind, text)
        if self.fatal.get(e.function) is e:
            self.fatal[e.function] = veiled
        return veiled

    def _request(self, fn: str, msg: dict, generation: int | None = None):
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
        if reply["ok"] is True:
            return reply.get("value")
        try:
            err = self._error(fn, reply)
        except StudentError as e:  # a reply no honest worker sends: the function fails
            self.fatal[fn] = e
            self.worker.kill()
            raise
        kind = err["kind"]
        if kind == "banned":
            apis = err["apis"]
            self.banned_hits.setdefault(fn, [])
            self.banned_hits[fn] += [a for a in apis if a not in self.banned_hits[fn]]
            raise StudentError(
                fn, kind, f"{fn} uses {', '.join(apis)}, which is not allowed in this function"
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

    def _error(self, fn: str, reply: dict) -> dict:
        """A failure reply, checked and cut to size: its kind one the worker may send, its
        texts bounded (untrusted.py), a banned API one that `fn` bans. Raises StudentError
        (kind protocol) for anything else."""
        err = reply.get("error")
        forged = StudentError(fn, "protocol", _failure_text(fn, "protocol", _FORGED, self.limits))
        if not isinstance(err, dict) or err.get("kind") not in _WORKER_KINDS:
            raise forged
        out = {
            "kind": err["kind"],
            "type": clip_name(err.get("type", "")),
            "message": clip(err.get("message", "")),
            "traceback": clip_traceback(err.get("traceback", "")),
        }
        if out["kind"] == "banned":  # only names we gave it: a forged list carries no text
            said = str(err.get("message", ""))[: 64 * MESSAGE].split(", ")
            out["apis"] = [a for a in self.banned.get(fn, []) if a in said]
            if not out["apis"]:
                raise forged
        return out

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

    def holding_hidden_inputs(self):
        """`with student.holding_hidden_inputs():` around every call that sends hidden data:
        failures inside say nothing the student's code wrote, and the worker is retired after."""
        return self._session.holding_hidden_inputs()

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
