"""The worker: pid 1 of its own namespaces, isolated, serving one submission's calls.

Requests (from the trusted grader, over `codec`):
  {"op": "load", "cells": [{"filename", "source", "keep": [stmt index, ...]}]}
      run the kept top-level statements of each cell (imports, defs, constants)
  {"op": "call", "fn", "args", "kwargs", "banned"}          -> {"ok": True, "value": ...}
      optional: "target" (a kept object's id: call it, or its "method", instead of fn; fn still
      names whose limits and bans apply), "keep" (keep the result here, reply a codec.Ref)
  {"op": "probe", "fn", "name", "target", "args", "banned"} -> run probes.<name>(object, *args)
  {"op": "grad", "fn", "args", "kwargs", "banned", "wrt", "output_index", "grad_output"}
      -> {"ok": True, "value": [d<out . grad_output>/d args[i] for i in wrt]}
Failures reply {"ok": False, "error": {"kind", "type", "message", "traceback"}}, kind one of
missing | exception | memory | banned | unserializable (dlnlp.verdicts.WORKER_REPLIES); a banned
failure also lists the banned APIs it used in "apis".
"""

from __future__ import annotations

import ast
import io
import linecache
import os
import socket
import sys
import tempfile
import traceback
import types

import torch

from dlnlp.parsing import strip_annotations
from dlnlp.sandbox import codec, guards, layers, probes

MAX_MESSAGE_CHARS = 300  # a student's error message is theirs, but keep feedback readable
_CELL_PREFIX = "<cell "


def _trimmed_traceback(exc: BaseException) -> str:
    """The traceback restricted to frames in the student's cells."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(_CELL_PREFIX)
    ]
    return "".join(traceback.format_list(frames))


def _error(kind: str, exc: BaseException | None = None, message: str = "", **extra) -> dict:
    err = {"kind": kind, "type": "", "message": message, "traceback": "", **extra}
    if exc is not None:
        err.update(
            type=type(exc).__name__,
            message=str(exc)[:MAX_MESSAGE_CHARS],
            traceback=_trimmed_traceback(exc),
        )
    return {"ok": False, "error": err}


def _is_memory_error(exc: BaseException) -> bool:
    return (
        isinstance(exc, MemoryError)
        or "can't allocate memory" in str(exc)
        or "not enough memory" in str(exc)
    )


class Session:
    def __init__(self) -> None:
        self.namespace: dict = {"__name__": "__student__", "__builtins__": __builtins__}
        self.objects: dict[int, object] = {}  # kept results (models), named by codec.Ref ids
        # bound before student code loads: it could rebind names in the probes module later
        self.probes = probes.table()

    def _keep(self, value) -> codec.Ref:
        ref = codec.Ref(len(self.objects) + 1)
        self.objects[ref.id] = value
        return ref

    def _resolve(self, value):
        """Arguments with each codec.Ref replaced by the object it names."""
        if isinstance(value, codec.Ref):
            if value.id not in self.objects:
                raise LookupError(f"no kept object {value.id}")
            return self.objects[value.id]
        if isinstance(value, (list, tuple)):
            return type(value)(self._resolve(v) for v in value)
        if isinstance(value, dict):
            return {k: self._resolve(v) for k, v in value.items()}
        return value

    def _callable(self, msg: dict):
        """What a call runs: a kept object (or one of its methods), else the student's fn."""
        if msg.get("target") is None:
            return self.namespace.get(msg["fn"])
        target = self.objects.get(msg["target"])
        return getattr(target, msg["method"], None) if msg.get("method") else target

    def load(self, msg: dict) -> dict:
        """Run the kept statements. All are parsed, stripped of annotations (never evaluated)
        and compiled first, before any of them runs, with dont_inherit: nothing of this
        module's (its __future__ imports) applies to them, and nothing they do can change how
        the next one is compiled."""
        problems = []
        compiled = []
        for cell in msg["cells"]:
            filename, source = cell["filename"], cell["source"]
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            body = strip_annotations(ast.parse(source, filename)).body
            for i in cell["keep"]:
                try:  # e.g. a nonlocal with nothing to bind to: the parse passes, compile not
                    module = ast.Module([body[i]], [])
                    code: types.CodeType | SyntaxError = compile(
                        module, filename, "exec", dont_inherit=True
                    )
                except SyntaxError as e:
                    code = e
                compiled.append((filename, body[i].lineno, code))
        for filename, line, code in compiled:
            try:
                if isinstance(code, SyntaxError):
                    raise code
                exec(code, self.namespace)
            except BaseException as e:  # noqa: BLE001 - any failure is the student's to see
                problems.append(
                    f"{filename[1:-1]}, line {line}: {type(e).__name__}: {str(e)[:MAX_MESSAGE_CHARS]}"
                )
        defined = sorted(
            k for k, v in self.namespace.items() if callable(v) and not k.startswith("__")
        )
        return {"ok": True, "value": {"defined": defined, "problems": problems}}

    def _run(self, msg: dict, body) -> dict:
        fn = self._callable(msg)
        if not callable(fn):
            return _error("missing", message=f"{msg['fn']} is not defined")
        guards.activate(msg.get("banned", []))
        try:
            # what crosses back is checked to be plain data (exact types) and copied while the
            # guards are still on: a returned subclass's methods never run unwatched
            reply = {"ok": True, "value": codec.flatten(body(fn))}
        except codec.CodecError as e:
            reply = _error("unserializable", message=str(e))
        except BaseException as e:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            reply = _error("memory" if _is_memory_error(e) else "exception", e)
        hits = guards.deactivate()  # a banned call outranks whatever happened after it
        return _error("banned", apis=hits) if hits else reply

    def call(self, msg: dict) -> dict:
        def body(fn):
            value = fn(*self._resolve(msg.get("args", [])), **self._resolve(msg.get("kwargs", {})))
            if msg.get("keep"):
                return self._keep(value)
            if msg.get("target") is not None and value is self.objects.get(msg["target"]):
                return None  # a chainable method (model.eval()) returns its object: nothing to send
            return value

        return self._run(msg, body)

    def probe(self, msg: dict) -> dict:
        """Run one of the kit's probes (dlnlp.sandbox.probes) on a kept object."""
        probe = self.probes[msg["name"]]
        target = self.objects.get(msg["target"])
        return self._run(
            {**msg, "target": None},
            lambda _fn: probe(target, *self._resolve(msg.get("args", []))),
        )

    def grad(self, msg: dict) -> dict:
        wrt = msg["wrt"]
        try:  # a Ref names a kept object (a model passed along); one that names none is refused
            args = list(self._resolve(msg.get("args", [])))
            kwargs = self._resolve(msg.get("kwargs", {}))
        except LookupError as e:
            return _error("exception", e)
        for i in wrt:
            if type(args[i]) is not torch.Tensor:  # the trusted side differentiates tensors only
                return _error("exception", TypeError(f"argument {i} is not a tensor"))
            args[i] = args[i].detach().clone().requires_grad_(True)

        def body(fn):
            out = fn(*args, **kwargs)
            if msg.get("output_index") is not None:
                if type(out) is not tuple and type(out) is not list:
                    raise TypeError(f"expected a tuple of outputs, got {type(out).__name__}")
                out = out[msg["output_index"]]
            if type(out) is not torch.Tensor:  # exactly: a subclass would run its own code
                raise TypeError(f"expected a tensor, got {type(out).__name__}")
            if not out.requires_grad:
                return [None] * len(wrt)  # the graph was cut (detach, numpy): none reaches them
            # the kit runs the autograd engine (its use is no student's), but every other ban of
            # the function still holds over the student's code it runs (an autograd.Function's
            # backward)
            with guards.engine_allowed():
                grads = torch.autograd.grad(
                    out, [args[i] for i in wrt], grad_outputs=msg["grad_output"], allow_unused=True
                )
            return list(grads)

        return self._run(msg, body)


def _seed(msg: dict) -> dict:
    import random

    import numpy

    torch.manual_seed(msg["seed"])
    random.seed(msg["seed"])
    numpy.random.seed(msg["seed"] % 2**32)
    return {"ok": True, "value": None}


def _silence_stdio() -> None:
    """Student prints and torch warnings go nowhere; stdin is empty (input() gets EOF)."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = io.StringIO()
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker


def main(conn: socket.socket, settings: dict, namespaces: dict, scratch: str) -> None:
    """Isolate, greet, serve until the grader closes the connection. Never returns."""
    try:
        try:
            _silence_stdio()
            in_force = layers.isolate(
                settings["secrets"],
                scratch,
                settings["memory_mb"],
                settings["cpu_seconds"],
                namespaces,
                settings["uid"],
            )
            os.chdir(scratch)
            # the only writable folder: caches torch creates lazily (inductor) must go here
            os.environ.update(TMPDIR=scratch, HOME=scratch, TORCHINDUCTOR_CACHE_DIR=scratch)
            tempfile.tempdir = scratch
        except Exception:  # tell the grader why, rather than vanish
            codec.send(conn, {"hello": None, "error": traceback.format_exc()})
            raise
        session = Session()
        codec.send(conn, {"hello": in_force})
        handlers = {
            "load": session.load,
            "call": session.call,
            "grad": session.grad,
            "probe": session.probe,
            "seed": _seed,
        }
        while True:
            try:
                msg = codec.recv(conn, bounded=False)  # the trusted side's requests
            except (EOFError, OSError):
                break
            try:
                reply = handlers[msg["op"]](msg)
                payload = codec.encode(reply)
            except codec.CodecError as e:
                payload = codec.encode(_error("unserializable", message=str(e)))
            except MemoryError as e:
                payload = codec.encode(_error("memory", e))
            conn.sendall(len(payload).to_bytes(8, "little") + payload)
    finally:
        os._exit(0)
