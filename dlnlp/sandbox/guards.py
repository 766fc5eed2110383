"""Run-time detection of banned APIs inside the worker, in three layers.

1. Names. Every banned callable is replaced, in *every* loaded module that holds a reference
to it, by a guard. A guarded call while a student function that bans it is running is recorded and raises
`BannedAPIError`; otherwise it calls through. Because the object itself is swapped wherever it
is referenced, `getattr(F, "scaled_dot_product_attention")`, `importlib.import_module` and
aliases such as `torch._C._nn.scaled_dot_product_attention` all reach the guard.
2. Torch functions. While a function with bans runs, a TorchFunctionMode matches every torch
function call by op family (`Bans`), before composite ops (lstm_cell) are decomposed.
3. Dispatch. A TorchDispatchMode matches every aten op that runs by family, below the torch
function layer: in-place, out= and private variants, kernels reached through torch.ops or with
torch functions disabled, torch.ao's cells, and any run of the autograd engine.
What no layer sees: a composite op reached with torch functions disabled runs as its parts
(mm, sigmoid...). The code policy (dlnlp/grade/policy.py) keeps torch._C and torch.ops away.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import types

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

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


# methods Python treats as class or static methods without saying so: left as they are
_IMPLICIT = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def _equivalents(cls: type) -> list[type]:
    """`cls` and every class of the same name in torch's loaded modules: torch.ao's quantizable
    and quantized cells and attention are the same computation under another class (built from
    Linear, sigmoid and tanh, so no op family of theirs ever runs)."""
    found = {cls}
    if cls.__module__.startswith("torch."):
        for name, module in list(sys.modules.items()):
            if name.startswith("torch.") and isinstance(module, types.ModuleType):
                other = vars(module).get(cls.__name__)
                if isinstance(other, type) and other.__module__.startswith("torch."):
                    found.add(other)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _guard_class(key: str, cls: type) -> None:
    """Guard every method the class (and each equivalent) defines, in place: an instance is
    banned however it was made (before the call, in a class body, by copy.deepcopy or
    unpickling, none of which runs __init__), and so is a subclass's. Every reference to the
    class stays valid."""
    for c in _equivalents(cls):
        for name, attr in list(vars(c).items()):
            if name in _IMPLICIT:
                continue
            if isinstance(attr, types.FunctionType):
                setattr(c, name, _function_guard(key, attr))
            elif isinstance(attr, (staticmethod, classmethod)) and isinstance(
                attr.__func__, types.FunctionType
            ):
                setattr(c, name, type(attr)(_function_guard(key, attr.__func__)))


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


def _own(obj, module: str) -> bool:
    """Is `obj` defined in `module` or a module below it?"""
    home = getattr(obj, "__module__", None) or ""
    return home == module or home.startswith(module + ".")


# modules whose classes only switch a mode (torch.no_grad, torch.inference_mode): a ban of the
# module around them (torch.autograd) does not cover them
_SWITCHES = ("torch.autograd.grad_mode",)


def _guard_module(key: str, module: types.ModuleType) -> None:
    """Guard what `module` and its submodules define: their public functions, and every
    method of their classes (torch.distributions' Normal as well as its kl_divergence)."""
    name = module.__name__
    modules = [m for n, m in list(sys.modules.items()) if n == name or n.startswith(name + ".")]
    done: set[int] = set()
    for m in modules:
        for attr, obj in list(vars(m).items()):
            if id(obj) in done or attr.startswith("_") or not _own(obj, name):
                continue
            if isinstance(obj, type) and any(_own(obj, s) for s in _SWITCHES):
                continue
            done.add(id(obj))
            if isinstance(obj, type):
                _guard_class(key, obj)
            elif isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
                _guard(key, obj, m, attr)


def install(banned: list[str]) -> list[str]:
    """Guard each banned API in this process; return the entries that could not be found.

    An entry is a callable, a class (every method it defines is guarded, so its instances are
    banned however they were made), a method of a class, or a module (its functions and its
    classes, in it and below it).
    """
    missing = []
    for dotted in banned:
        try:
            original, parent, name = _resolve(dotted)
        except (ImportError, AttributeError):
            missing.append(dotted)
            continue
        if isinstance(original, types.ModuleType):
            _guard_module(dotted, original)
        else:
            _guard(dotted, original, parent, name)
    _aten_families()  # once, before the zygote forks workers
    return missing


# aten op families behind banned classes and composite APIs, which no callable's name gives
# (a banned function's own name is a family too: torch.sigmoid -> sigmoid). A family stem
# matches every op it prefixes: scaled_dot_product -> _scaled_dot_product_flash_attention_for_cpu
_RNN = ("mkldnn_rnn", "cudnn_rnn", "miopen_rnn")
FAMILIES: dict[str, tuple[str, ...]] = {
    "torch.nn.functional.scaled_dot_product_attention": ("scaled_dot_product", "triton_scaled_dot"),
    "torch.nn.MultiheadAttention": ("native_multi_head_attention", "multi_head_attention_forward"),
    "torch.nn.TransformerEncoderLayer": ("transformer_encoder_layer_fwd",),
    "torch.nn.TransformerEncoder": ("transformer_encoder_layer_fwd",),
    "torch.nn.Transformer": ("transformer_encoder_layer_fwd",),
    "torch.nn.functional.multi_head_attention_forward": ("native_multi_head_attention",),
    "torch.nn.RNN": ("rnn_tanh", "rnn_relu", "quantized_rnn", *_RNN),
    "torch.nn.RNNCell": ("rnn_tanh_cell", "rnn_relu_cell", "quantized_rnn_tanh_cell",
                         "quantized_rnn_relu_cell"),
    "torch.nn.LSTM": ("lstm", "quantized_lstm", *_RNN),
    "torch.nn.LSTMCell": ("lstm_cell", "quantized_lstm_cell", "thnn_fused_lstm_cell"),
    "torch.nn.GRU": ("gru", "quantized_gru", *_RNN),
    "torch.nn.GRUCell": ("gru_cell", "quantized_gru_cell", "thnn_fused_gru_cell"),
    "torch.nn.RNNBase": _RNN,
    "torch.nn.Sigmoid": ("sigmoid",),
    "torch.nn.MSELoss": ("mse_loss",),
    "torch.nn.BCELoss": ("binary_cross_entropy",),
    "torch.svd": ("linalg_svd", "svd"),
    "torch.pca_lowrank": ("linalg_svd", "svd"),
}  # fmt: skip
# entries that ban the autograd engine, however it is started (backward, grad, torch.func,
# Variable._execution_engine) and any backward kernel called directly (y.grad_fn(g))
AUTOGRAD = ("torch.autograd", "torch.Tensor.backward", "torch.func")
_FORWARD_AD = ("make_dual", "unpack_dual")  # torch.autograd.forward_ad's dual numbers


def family(name: str) -> str:
    """An op's family: 'sigmoid_' / '_scaled_dot_product_attention_math.default' -> 'sigmoid' /
    'scaled_dot_product_attention_math' (in-place, private and overload variants alike)."""
    return name.split(".")[0].strip("_")


@functools.cache
def _aten_families() -> frozenset[str]:
    return frozenset(
        family(n.split("::", 1)[1]) for n in torch._C._dispatch_get_all_op_names() if "::" in n
    )


class Bans:
    """One function's bans as op families: `match(op name)` -> the banned entry it belongs to."""

    def __init__(self, banned: frozenset[str]) -> None:
        self.stems: dict[str, str] = {}
        for dotted in sorted(banned):
            for stem in FAMILIES.get(dotted, ()) + _own_family(dotted):
                self.stems.setdefault(stem, dotted)
        ops = _aten_families()
        self.dispatch = any(  # only an op family worth watching at the dispatch level
            op == stem or op.startswith(stem + "_") for stem in self.stems for op in ops
        )
        self.autograd = next((a for a in AUTOGRAD if a in banned), None)
        self._seen: dict[str, str | None] = {}

    def match(self, name: str) -> str | None:
        if name not in self._seen:
            words = family(name).split("_")
            self._seen[name] = next(
                (
                    self.stems[stem]
                    for stem in ("_".join(words[:i]) for i in range(len(words), 0, -1))
                    if stem in self.stems
                ),
                None,
            )
        return self._seen[name]


def _own_family(dotted: str) -> tuple[str, ...]:
    """A banned function's own name as a family: 'torch.Tensor.sigmoid' -> ('sigmoid',)."""
    try:
        obj = _resolve(dotted)[0]
    except (ImportError, AttributeError):
        return ()
    if callable(obj) and not isinstance(obj, (type, types.ModuleType)):
        return (family(getattr(obj, "__name__", dotted.rsplit(".", 1)[-1])),)
    return ()


class _FunctionMode(TorchFunctionMode):
    """Sees every torch function call before it is decomposed, however it was reached
    (`torch._VF.lstm_cell`, `torch.ops.aten.gru_cell.default`): composite ops such as lstm_cell
    or kl_div, and forward-mode AD's dual numbers, are only seen here."""

    def __init__(self, bans: Bans) -> None:
        super().__init__()
        self.bans = bans

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = str(getattr(func, "__name__", ""))
        entry = self.bans.match(name)
        if entry:
            _check(entry)
        if self.bans.autograd and family(name) in _FORWARD_AD:
            _check(self.bans.autograd)
        return func(*args, **(kwargs or {}))


class _DispatchMode(TorchDispatchMode):
    """Sees every aten op that runs, below torch functions (so DisableTorchFunction does not
    switch it off): in-place, out= and private kernels (sigmoid_, the flash and math kernels of
    attention), classes outside torch.nn (torch.ao's quantized cells), and the autograd engine."""

    def __init__(self, bans: Bans) -> None:
        super().__init__()
        self.bans = bans

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.overloadpacket.__name__
        entry = self.bans.match(name)
        if entry:
            _check(entry)
        if self.bans.autograd and (
            "backward" in name  # a backward kernel, e.g. called as y.grad_fn(g)
            or torch._C._current_autograd_node() is not None  # the engine is running
        ):
            _check(self.bans.autograd)
        return func(*args, **(kwargs or {}))


_modes: list = []


@functools.cache
def _bans(banned: frozenset[str]) -> Bans:
    return Bans(banned)


def activate(banned: list[str]) -> None:
    """Start a student call during which `banned` may not be used: the watching modes are
    entered only for bans they can see (a function without bans runs at full speed)."""
    global _active
    _active = frozenset(banned)
    _hits.clear()
    if not banned:
        return
    bans = _bans(_active)
    if bans.stems or bans.autograd:
        _modes.append(_FunctionMode(bans))
    if bans.dispatch or bans.autograd:
        _modes.append(_DispatchMode(bans))
    for mode in _modes:
        mode.__enter__()


@contextlib.contextmanager
def engine_allowed():
    """The kit's own run of the autograd engine inside a student call (the worker's
    autograd.grad of the student's output): the bans on the engine are lifted, every other ban
    stays and is watched, since the engine may run the student's code (a custom
    autograd.Function's backward)."""
    banned, hits = sorted(_active), list(_hits)
    deactivate()
    try:
        activate([b for b in banned if b not in AUTOGRAD])
        yield
    finally:
        hits += [h for h in deactivate() if h not in hits]
        activate(banned)
        _hits.extend(h for h in hits if h not in _hits)


def deactivate() -> list[str]:
    """End the call; return the banned APIs it touched."""
    global _active
    while _modes:
        try:
            _modes.pop().__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - student code may have unbalanced the mode stack
            pass
    _active = frozenset()
    return list(_hits)
