"""One submission's sandbox session, and the `student` proxy the hidden tests call through.

The session owns the worker: it spawns it lazily, loads the notebook's code into it, and after a
timeout, crash or memory overrun marks that function as failed and replaces the worker, so the
student's other functions are still graded.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from dlnlp.config import Limits
from dlnlp.grade.extract import Extracted
from dlnlp.grade.untrusted import clip, clip_name, clip_problems, clip_traceback
from dlnlp.sandbox.client import Spawner, Worker, WorkerFailure, Zygote
from dlnlp.sandbox.codec import Ref
from dlnlp.verdicts import WORKER_REPLIES, Verdict

# the share of its memory budget a worker may have used when the next function's tests begin
RETIRE_AT = 0.25

_FORGED = "the worker sent a reply that is not a valid result"
_HIDDEN_TEXT = (
    "{fn} failed on the grader's held-out data; its error message is not shown, since it could "
    "carry that data. Check that it works on inputs like the training data's"
)

# said after a failure that mentions CUDA: a habitual .cuda() fails on the grader's CPU with
# torch's own words, which do not say what to change
CPU_ONLY = (
    " — the grader runs on the CPU only: a graded function must not move tensors to a GPU "
    '(.cuda(), .to("cuda"), device="cuda"); keep them on the device they arrive on'
)


class StudentError(Exception):
    """A call into student code failed; `message` is safe to show the student, `apis` names
    the banned APIs of a BANNED failure."""

    def __init__(
        self,
        function: str,
        verdict: Verdict,
        message: str,
        traceback: str = "",
        apis: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.function, self.verdict, self.message = function, verdict, message
        self.traceback, self.apis = traceback, apis or []


def _failure_text(fn: str, verdict: Verdict, detail: str, limits: Limits) -> str:
    """The kit's words for a failure of `fn`'s call (`detail`: the worker client's words)."""
    return {
        Verdict.TIMEOUT: f"{fn} did not finish within the time limit of {limits.call_seconds:g} s per call (an infinite loop?)",
        Verdict.CRASH: f"{fn} stopped the grading process (os._exit, a crash, or running out of memory)",
        Verdict.MEMORY: f"{fn} exceeded the memory limit ({limits.memory_mb} MB)",
        Verdict.PROTOCOL: f"{fn}: {detail}",
        Verdict.TOTAL_TIMEOUT: f"not run: the submission used its whole time budget of {limits.total_seconds:g} s",
        Verdict.LOAD: f"{fn} could not be graded: loading your notebook's code failed ({detail})",
        Verdict.LOST: f"{fn} could not be graded: the object it works on was lost when an earlier call failed",
        Verdict.MISSING: f"{fn} is not defined after loading your notebook",
        Verdict.NOT_IMPLEMENTED: f"{fn} is not implemented yet (it raised NotImplementedError)",
    }.get(verdict, detail)


class Session:
    def __init__(
        self,
        zygote: Zygote | Spawner,
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
        self.shared: dict[object, tuple[int, object]] = {}  # StudentProxy.shared's values

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
            raise self._fail(fn, Verdict.LOAD, str(e), keep=False) from None
        value = loaded.get("value")
        if loaded["ok"] and isinstance(value, dict) and not self.load_problems:
            self.load_problems = clip_problems(value.get("problems"))
        return self.worker

    def begin_function(self, fn: str) -> None:
        """Before the first test of graded function `fn`: retire a worker that has used more
        than RETIRE_AT of its memory budget, so that `fn` is not charged for what the functions
        graded before it left behind (a fragmented heap, kept models). The next call gets a
        fresh worker; objects kept so far are lost, as no test of `fn` uses them."""
        worker, budget = self.worker, self.limits.memory_mb * 2**20
        left = worker.address_space_left() if worker is not None else None
        if worker is not None and left is not None and left < (1 - RETIRE_AT) * budget:
            worker.kill()

    def _timeout(self, fn: str = "") -> float:
        limit = self.call_seconds.get(fn, self.limits.call_seconds)
        return max(0.0, min(limit, self.deadline - time.monotonic()))

    def request(self, fn: str, msg: dict, generation: int | None = None):
        """Run one call in the worker; return its value or raise StudentError.

        `generation`: for a call on a kept object, the worker generation that keeps it."""
        try:
            return self._request(fn, msg, generation)
        except StudentError as e:
            if self.hidden and (not e.verdict.kit_text or e.traceback):
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
        text = e.message if e.verdict.kit_text else _HIDDEN_TEXT.format(fn=e.function)
        veiled = StudentError(e.function, e.verdict, text, apis=e.apis)
        if self.fatal.get(e.function) is e:
            self.fatal[e.function] = veiled
        return veiled

    def _fail(
        self, fn: str, verdict: Verdict, detail: str = "", traceback: str = "", keep: bool = True
    ) -> StudentError:
        """The error for a failure of `fn` in the kit's words; with `keep`, every later call of
        `fn` fails with it too (the worker that ran it is gone, or it broke the protocol)."""
        error = StudentError(
            fn, verdict, _failure_text(fn, verdict, detail, self.limits), traceback
        )
        if keep:
            self.fatal[fn] = error
        return error

    def _request(self, fn: str, msg: dict, generation: int | None = None):
        if fn in self.extracted.missing:
            raise StudentError(fn, Verdict.MISSING, self.extracted.missing[fn])
        if fn in self.fatal:
            raise self.fatal[fn]
        if generation is not None:
            self.check_current(fn, generation)
        if self._timeout() <= 0:
            raise self._fail(fn, Verdict.TOTAL_TIMEOUT, keep=False)
        try:
            worker = self._ready_worker(fn)
            reply = worker.request(
                {**msg, "fn": fn, "banned": self.banned.get(fn, [])}, self._timeout(fn)
            )
            if msg.get("keep") and isinstance(reply.get("value"), Ref):
                reply["value"] = Remote(self, fn, reply["value"], self.generation)
        except WorkerFailure as e:
            spent = e.verdict == Verdict.TIMEOUT and self.deadline <= time.monotonic()
            raise self._fail(fn, Verdict.TOTAL_TIMEOUT if spent else e.verdict, str(e)) from None
        except StudentError as e:
            self.fatal[fn] = e
            raise
        if reply["ok"] is True:
            return reply.get("value")
        raise self._reply_error(worker, fn, reply)

    def _reply_error(self, worker: Worker, fn: str, reply: dict) -> StudentError:
        """The StudentError a failure reply of `worker` stands for (the reply checked by `_error`
        first)."""
        try:
            err = self._error(fn, reply)
        except StudentError as e:  # a reply no honest worker sends: the function fails
            self.fatal[fn] = e
            worker.kill()
            return e
        verdict = err["verdict"]
        if verdict == Verdict.BANNED:
            hits = self.banned_hits.setdefault(fn, [])
            hits += [a for a in err["apis"] if a not in hits]
            return StudentError(
                fn,
                verdict,
                f"{fn} uses {', '.join(err['apis'])}, which is not allowed in this function",
                apis=err["apis"],
            )
        if verdict == Verdict.MEMORY:  # reclaim the memory: fresh worker for the next function
            worker.kill()
            return self._fail(fn, verdict, traceback=err["traceback"])
        if verdict == Verdict.MISSING:
            return self._fail(fn, verdict, keep=False)
        if verdict == Verdict.UNSERIALIZABLE:
            text = f"{fn} returned something that cannot be graded: {err['message']}"
            return StudentError(fn, verdict, text)
        if err["type"] == "NotImplementedError":
            return self._fail(fn, Verdict.NOT_IMPLEMENTED, traceback=err["traceback"], keep=False)
        said = f": {err['message']}" if err["message"] else ""
        if "cuda" in err["message"].lower():  # e.g. "Torch not compiled with CUDA enabled"
            said += CPU_ONLY
        return StudentError(fn, verdict, f"{fn} raised {err['type']}{said}", err["traceback"])

    def _error(self, fn: str, reply: dict) -> dict:
        """A failure reply, checked and cut to size: its kind one the worker may send, its
        texts bounded (untrusted.py), its banned APIs ones that `fn` bans. Raises StudentError
        (PROTOCOL) for anything else."""
        err = reply.get("error")
        if not isinstance(err, dict) or err.get("kind") not in WORKER_REPLIES:
            raise self._fail(fn, Verdict.PROTOCOL, _FORGED, keep=False)
        out: dict[str, Any] = {
            "verdict": Verdict(err["kind"]),
            "type": clip_name(err.get("type", "")),
            "message": clip(err.get("message", "")),
            "traceback": clip_traceback(err.get("traceback", "")),
        }
        if out["verdict"] == Verdict.BANNED:  # only names we gave it: a forged list carries no text
            apis = err.get("apis")
            said = apis if isinstance(apis, list) else []
            out["apis"] = [a for a in self.banned.get(fn, []) if a in said]
            if not out["apis"]:
                raise self._fail(fn, Verdict.PROTOCOL, _FORGED, keep=False)
        return out

    def is_current(self, generation: int) -> bool:
        """Is worker `generation` the live one (so that the objects it kept still exist)?"""
        return generation == self.generation and self.worker is not None and self.worker.alive

    def check_current(self, fn: str, generation: int) -> None:
        """Raise StudentError when an object kept by worker `generation` is gone (replaced)."""
        if not self.is_current(generation):
            raise self._fail(fn, Verdict.LOST, keep=False)

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

    def shared(self, key: object, make):
        """make()'s result, computed once per worker: the tests of one submission share an
        expensive run (a trained model and what the probes saw of its training) instead of
        repeating it. Made again once that worker is gone (its kept objects name nothing); a
        make() that raises is not remembered."""
        s = self._session
        if key in s.shared:
            generation, value = s.shared[key]
            if s.is_current(generation):
                return value
        value = make()
        s.shared[key] = (s.generation, value)
        return value

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
                "args": _refs(list(args)),  # a kept object (a discriminator) arrives as itself
                "kwargs": _refs(kwargs),
                "wrt": list(wrt),
                "grad_output": grad_output,
                "output_index": output_index,
            },
        )
