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


_ALLOWED: set[int] = set()  # id() of the listed callables and classes of the modules loaded
_LOADED: set[str] = set()  # the listed modules whose objects are in _ALLOWED


def _allow_loaded() -> None:
    """Add to _ALLOWED the listed objects of every listed module this process has loaded: a
    module nobody's code names (matplotlib.pyplot) is never imported just to list its objects,
    and an object is only ever reached through a loaded module."""
    for module, names in NAMES.items():
        m = sys.modules.get(module)
        if m is None or module in _LOADED:
            continue
        _LOADED.add(module)
        for name in names:
            obj = vars(m).get(name, _MISSING)
            if obj is not _MISSING and not isinstance(obj, types.ModuleType) and not _is_value(obj):
                _ALLOWED.add(id(obj))


def allowed_objects() -> set[int]:
    """id() of every listed callable or class (modules and values are allowed by name)."""
    if len(_LOADED) < len(NAMES):
        _allow_loaded()
    return _ALLOWED


@functools.cache
def resolve(path: str) -> Resolved:
    """Follow `path` (a.b.c, its first part an imported module) through the real modules."""
    top, *attrs = path.split(".")
    if top not in allowed_modules():
        return Resolved(False, "module", top)
    obj = _import(top)
    if obj is None:
        return Resolved(False, "module", top)
    for i, attr in enumerate(attrs):
        if not isinstance(obj, types.ModuleType):
            return Resolved(True)  # an attribute of an allowed value: the attribute rules apply
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
        elif id(child) not in allowed_objects():
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


@functools.cache
def decorator_objects() -> frozenset[int]:
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
