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
import types

from torch.overrides import TorchFunctionMode

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
    """'torch.nn.MultiheadAttention' -> (the object, its parent, the attribute name)."""
    module_name, _, attr = dotted.rpartition(".")
    while module_name:
        try:
            parent = importlib.import_module(module_name)
            break
        except ImportError:  # e.g. torch.nn.MultiheadAttention: the module is torch.nn
            module_name, _, head = module_name.rpartition(".")
            attr = f"{head}.{attr}"
    else:
        raise ImportError(dotted)
    *path, name = attr.split(".")
    for part in path:
        parent = getattr(parent, part)
    return getattr(parent, name), parent, name


def _function_guard(key: str, original):
    @functools.wraps(original)
    def guard(*args, **kwargs):
        _check(key)
        return original(*args, **kwargs)

    return guard


def _guard_class(key: str, cls: type) -> None:
    """Wrap the class's own __init__ in place: every reference to the class stays valid."""
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        _check(key)
        init(self, *args, **kwargs)

    cls.__init__ = __init__


def _swap_everywhere(original, guard) -> None:
    """Replace `original` by `guard` in every loaded module that holds it."""
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if isinstance(namespace, dict):
            for name, value in list(namespace.items()):
                if value is original:
                    namespace[name] = guard


def _guard(key: str, original, parent, name: str) -> None:
    if isinstance(original, type):
        try:
            _guard_class(key, original)
            return
        except TypeError:  # a built-in type: swap the name instead
            pass
    guard = _function_guard(key, original)
    _swap_everywhere(original, guard)
    if isinstance(parent, type):  # a method, e.g. torch.Tensor.sigmoid
        setattr(parent, name, guard)


def install(banned: list[str]) -> list[str]:
    """Guard each banned API in this process; return the entries that could not be found.

    An entry is a callable, a class (its construction is guarded), a method of a class, or a
    module (its own public functions are guarded; its classes are not, e.g. torch.no_grad).
    """
    missing = []
    for dotted in banned:
        try:
            original, parent, name = _resolve(dotted)
        except (ImportError, AttributeError):
            missing.append(dotted)
            continue
        if isinstance(original, types.ModuleType):
            for fname, fn in list(vars(original).items()):
                own = getattr(fn, "__module__", None) or ""
                if (
                    not fname.startswith("_")
                    and isinstance(fn, (types.FunctionType, types.BuiltinFunctionType))
                    and (own == original.__name__ or own.startswith(original.__name__ + "."))
                ):
                    _guard(dotted, fn, original, fname)
        else:
            _guard(dotted, original, parent, name)
    return missing


class _BanMode(TorchFunctionMode):
    """Sees every torch function call, however it was reached (`torch._VF.lstm_cell`,
    `torch._C._VariableFunctions.lstm_cell`, `torch.ops.aten.gru_cell.default`), and checks its
    name against the banned callables' names."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self.names = names

    def __torch_function__(self, func, types, args=(), kwargs=None):
        entry = self.names.get(str(getattr(func, "__name__", "")).split(".")[0])
        if entry:
            _check(entry)
        return func(*args, **(kwargs or {}))


_mode: _BanMode | None = None


@functools.cache
def _callable_names(banned: frozenset[str]) -> dict[str, str]:
    """'torch.lstm_cell' -> {'lstm_cell': 'torch.lstm_cell'}, for entries that are functions."""
    names: dict[str, str] = {}
    for dotted in sorted(banned):
        try:
            obj = _resolve(dotted)[0]
        except (ImportError, AttributeError):
            continue
        if callable(obj) and not isinstance(obj, (type, types.ModuleType)):
            names.setdefault(getattr(obj, "__name__", dotted.rsplit(".", 1)[-1]), dotted)
    return names


def activate(banned: list[str]) -> None:
    """Start a student call during which `banned` may not be used."""
    global _active, _mode
    _active = frozenset(banned)
    _hits.clear()
    names = _callable_names(frozenset(banned)) if banned else {}
    _mode = _BanMode(names) if names else None
    if _mode is not None:
        _mode.__enter__()


def deactivate() -> list[str]:
    """End the call; return the banned APIs it touched."""
    global _active, _mode
    if _mode is not None:
        try:
            _mode.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - student code may have unbalanced the mode stack
            pass
        _mode = None
    _active = frozenset()
    return list(_hits)
