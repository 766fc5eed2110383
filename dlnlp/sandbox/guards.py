"""Run-time detection of banned APIs inside the worker.

Every banned callable is replaced, in *every* loaded module that holds a reference to it, by a
guard. A guarded call while a student function that bans it is running is recorded and raises
`BannedAPIError`; otherwise it calls through. Because the object itself is swapped wherever it
is referenced, `getattr(F, "scaled_dot_product_attention")`, `importlib.import_module` and
aliases such as `torch._C._nn.scaled_dot_product_attention` all reach the guard.
"""

from __future__ import annotations

import functools
import importlib
import sys

_active: frozenset[str] = frozenset()
_hits: list[str] = []


class BannedAPIError(RuntimeError):
    pass


def _check(dotted: str) -> None:
    if dotted in _active:
        if dotted not in _hits:
            _hits.append(dotted)
        raise BannedAPIError(f"{dotted} is not allowed in this function")


def _resolve(dotted: str):
    module_name, _, attr = dotted.rpartition(".")
    while module_name:
        try:
            obj = importlib.import_module(module_name)
            break
        except ImportError:  # e.g. torch.nn.MultiheadAttention: the module is torch.nn
            module_name, _, head = module_name.rpartition(".")
            attr = f"{head}.{attr}"
    else:
        raise ImportError(dotted)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _make_guard(dotted: str, original):
    if isinstance(original, type):

        def __init__(self, *args, **kwargs):
            _check(dotted)
            original.__init__(self, *args, **kwargs)

        return type(
            original.__name__,
            (original,),
            {
                "__init__": __init__,
                "__module__": original.__module__,
                "__qualname__": original.__qualname__,
            },
        )

    @functools.wraps(original)
    def guard(*args, **kwargs):
        _check(dotted)
        return original(*args, **kwargs)

    return guard


def install(banned: list[str]) -> list[str]:
    """Swap each banned API for its guard in every loaded module; return those not found."""
    missing = []
    for dotted in banned:
        try:
            original = _resolve(dotted)
        except (ImportError, AttributeError):
            missing.append(dotted)
            continue
        guard = _make_guard(dotted, original)
        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for name, value in list(namespace.items()):
                if value is original:
                    namespace[name] = guard
    return missing


def activate(banned: list[str]) -> None:
    global _active
    _active = frozenset(banned)
    _hits.clear()


def deactivate() -> list[str]:
    """End the call; return the banned APIs it touched."""
    global _active
    _active = frozenset()
    return list(_hits)
