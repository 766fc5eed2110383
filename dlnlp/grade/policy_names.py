"""The allowlist (dlnlp/grade/allowlist.py) as objects: what a dotted path a student wrote
resolves to, and whether that object is one the course allows.

Paths are resolved in this (trusted) process through the real modules, one attribute at a time,
so a name re-exported under another module (`pathlib.attrgetter` is operator.attrgetter) is the
object it is, and is allowed only if that object is listed. A listed plain value (a dtype, a
constant, sys.stdout) is allowed by its listed name instead, since the process may rebind it.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import sys
import types
from dataclasses import dataclass

from dlnlp.grade.allowlist import ATTRIBUTE_CLASSES, DECORATORS, NAMES

_MISSING = object()


@dataclass(frozen=True)
class Resolved:
    """Where a dotted path led: `ok`, or the part that is not allowed and why."""

    ok: bool
    rule: str = ""  # when not ok: not-allowed | module | private
    what: str = ""  # the path up to the part refused
    module: object = None  # the module the path names, when it names one


def _import(name: str):
    try:
        return sys.modules.get(name) or importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a module this process lacks is simply not allowed
        return None


@functools.cache
def allowed_modules() -> frozenset[str]:
    return frozenset(NAMES)


def _is_value(obj) -> bool:
    """A plain value (a number, a string, a dtype, a stream), not a callable, class or module."""
    return not (callable(obj) or isinstance(obj, (type, types.ModuleType)))


class Allowlist:
    """The allowlist's objects as they are bound now, and paths resolved against them.

    Made afresh for each notebook checked (~1 ms): torch rebinds some of its own functions
    after import (importing torch._dynamo wraps torch.manual_seed), so an object's identity is
    read from the listed module when it is needed, never remembered from an earlier check.
    Only loaded modules are read: a listed module nobody's code names (matplotlib.pyplot) is
    never imported just to list its objects."""

    def __init__(self) -> None:
        self.ids: set[int] = set()  # id() of the listed callables and classes
        self.read: set[str] = set()  # the listed modules whose objects are in ids
        self.cache: dict[str, Resolved] = {}

    def _refresh(self) -> None:
        for module, names in NAMES.items():
            m = sys.modules.get(module)
            if m is None or module in self.read:
                continue
            self.read.add(module)
            for name in names:
                obj = vars(m).get(name, _MISSING)
                if (
                    obj is not _MISSING
                    and not isinstance(obj, types.ModuleType)
                    and not _is_value(obj)
                ):
                    self.ids.add(id(obj))

    def allows(self, obj) -> bool:
        if id(obj) not in self.ids and len(self.read) < len(NAMES):
            self._refresh()  # a listed module loaded since (by resolve, or by anything)
        return id(obj) in self.ids

    def resolve(self, path: str) -> Resolved:
        """Follow `path` (a.b.c, its first part an imported module) through the real modules."""
        if path not in self.cache:
            self.cache[path] = self._resolve(path)
        return self.cache[path]

    def _resolve(self, path: str) -> Resolved:
        top, *attrs = path.split(".")
        if top not in allowed_modules():
            return Resolved(False, "module", top)
        obj = _import(top)
        if obj is None:
            return Resolved(False, "module", top)
        for i, attr in enumerate(attrs):
            if not isinstance(obj, types.ModuleType):
                return Resolved(True)  # an attribute of an allowed value: attribute rules apply
            name = obj.__name__
            shown = ".".join([top, *attrs[: i + 1]])
            if attr.startswith("_"):
                return Resolved(False, "private", shown)
            child = _attribute(obj, attr)
            if child is _MISSING:
                return Resolved(False, "not-allowed", shown)
            if isinstance(child, types.ModuleType):
                if child.__name__ not in allowed_modules():
                    return Resolved(False, "module", shown)
            elif _is_value(child):
                if attr not in NAMES.get(name, ()):
                    return Resolved(False, "not-allowed", shown)
            elif not self.allows(child):
                return Resolved(False, "not-allowed", shown)
            obj = child
        return Resolved(True, module=obj if isinstance(obj, types.ModuleType) else None)


def _attribute(module: types.ModuleType, name: str):
    """module.name as the module holds it, without running its __getattr__ (numpy and torch
    import submodules lazily there: resolving a student's path must load nothing new), except
    an allowed submodule not loaded yet, which is imported."""
    found = vars(module).get(name, _MISSING)
    if found is _MISSING and f"{module.__name__}.{name}" in allowed_modules():
        found = _import(f"{module.__name__}.{name}") or _MISSING
    return found


def decorator_objects() -> frozenset[int]:
    """id() of the allowed decorators as they are bound now (read each time: see Allowlist)."""
    return frozenset(
        id(getattr(builtins if m == "builtins" else _import(m), n)) for m, n in DECORATORS
    )


def decorator_path(path: str) -> bool:
    """Does `path` (module-rooted) name an allowed decorator?"""
    top, *attrs = path.split(".")
    obj = _import(top) if top in allowed_modules() else None
    for attr in attrs:
        obj = _attribute(obj, attr) if isinstance(obj, types.ModuleType) else None
    return obj not in (None, _MISSING) and id(obj) in decorator_objects()


@functools.cache
def _classes() -> list[type]:
    """allowlist.ATTRIBUTE_CLASSES, the types whose public attributes any value may have."""
    out = []
    for module, names in ATTRIBUTE_CLASSES:
        m = builtins if module == "builtins" else _import(module)
        for name in names.split():
            cls = getattr(m, name, None) if m is not None else None
            if isinstance(cls, type):
                out.append(cls)
    return out


def _public(cls) -> set[str]:
    try:
        return {n for n in dir(cls) if not n.startswith("_")}
    except Exception:  # noqa: BLE001 - a class whose dir() fails offers nothing
        return set()


@functools.cache
def introspection_names() -> frozenset[str]:
    """Attribute names that reach a frame, a code object, a traceback or a running generator
    (f_back, gi_frame, tb_frame, co_consts...), found on those types themselves, less any name
    an allowed value also has (a list's clear(), a string's replace()): refused wherever they
    are written, since the type of a value is not known before it runs."""

    def gen():
        yield

    async def coro():
        pass

    async def agen():
        yield

    c = coro()
    kinds = [types.FrameType, types.CodeType, types.TracebackType, type(gen()), type(c)]
    kinds += [type(agen()), types.FunctionType, types.MethodType, types.CellType]
    c.close()
    dangerous = set().union(*(_public(k) for k in kinds))
    allowed = set().union(*(_public(c) for c in _classes()))
    return frozenset(dangerous - allowed)
