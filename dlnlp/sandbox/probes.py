"""The kit's probes: small trusted routines run *inside* the worker on an object it keeps.

They watch how student code uses a model, which no returned value shows: whether the gradients
were zeroed before each backward pass, and in which mode (train/eval) each forward pass ran;
`logits` runs a model without autograd and sends back only what a causality check needs.

Student code shares this process, so the probes assume it is hostile (docs/security.md):
- torch's registration functions are captured when this module is imported, before any student
  code loads, and called unbound, so a model cannot override them;
- the model tree and each `training` flag are read from the instances' own dicts, never through
  a method or attribute lookup the model's class could redefine;
- the counters live in closures; only the worker's probe op reads them, and they only grow, so
  removing a hook can only lose counts: the trusted side compares them with the number of
  batches the budget implies (autograder/nlp_lab/lab.py), so a missing count is a failure;
- a hook counts only when torch itself calls it (checked on the caller's frame), so student
  code that finds the hook functions cannot call them to add counts;
- the worker binds these functions (table()) before student code loads, and this module
  refuses `probes.name = ...`: a rebinding through vars() reaches no probe the worker runs.
Code that breaks the code policy (dlnlp/grade/policy.py) never runs; these hold without it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

import torch
import torch.optim.optimizer as _optimizer_module

_REGISTER_PRE_HOOK = torch.nn.Module.register_forward_pre_hook
_REGISTER_HOOK = torch.nn.Module.register_forward_hook
_REGISTER_TENSOR_HOOK = torch.Tensor.register_hook
_INSTANCE_DICT = vars(torch.nn.Module)["__dict__"].__get__  # immune to a redefined __dict__
_GRAD = vars(torch._C.TensorBase)["grad"].__get__
_NO_TORCH_FUNCTION = torch._C.DisableTorchFunction  # no __torch_function__ mode may answer
_MODULE_HOOK_CALLER = next(  # the frame torch runs forward hooks from: Module._call_impl.inner
    c for c in torch.nn.Module._call_impl.__code__.co_consts if getattr(c, "co_name", "") == "inner"
)
_BACKWARD_CALLER = torch.autograd.graph._engine_run_backward.__code__
_OPTIMIZER_HOOK_CALLER = next(  # the frame torch runs optimizer step pre-hooks from: the wrapper
    c
    for c in torch.optim.Optimizer.profile_hook_step.__code__.co_consts
    if getattr(c, "co_name", "") == "wrapper"
)
_REGISTER_STEP_PRE_HOOK = _optimizer_module.register_optimizer_step_pre_hook
_OPTIMIZER_DICT = vars(torch.optim.Optimizer)["__dict__"].__get__  # the instance's own dict
_REQUIRES_GRAD = vars(torch._C.TensorBase)["requires_grad"].__get__
_MAX_PARAMETERS = 100_000  # bound the walk of an optimizer's parameter groups
_MAX_MODULES = 10_000  # bound the walk of a model tree (a hostile one may be huge or cyclic)
_getframe = sys._getframe


def _called_by(code: types.CodeType, up: int = 1) -> bool:
    """Whether the hook running now was called from `code` (torch's own caller), `up` frames
    above the hook.

    Strict: the lab's models run on the CPU, where autograd calls hooks on the thread that
    called backward(); a hook with no Python caller (a thread of its own) does not count."""
    try:
        return _getframe(1 + up).f_code is code
    except ValueError:  # no caller frame at all
        return False


def _modules(model: torch.nn.Module) -> list[object]:
    """`model` and its registered submodules, walked through the raw `_modules` dicts."""
    seen, todo = set(), [model]
    order: list[object] = []
    while todo and len(order) < _MAX_MODULES:
        m = todo.pop()
        if id(m) in seen or not issubclass(type(m), torch.nn.Module):  # type(): no __class__ lie
            continue
        seen.add(id(m))
        order.append(m)
        children = _INSTANCE_DICT(m).get("_modules")
        if type(children) is dict:
            todo.extend(children.values())
    return order


def _flag(module: object) -> bool | None:
    """module.training as stored in its own dict; None when it is not a plain bool there
    (e.g. a `training` property: the flag that dropout reads is then the class's to invent)."""
    flag = _INSTANCE_DICT(module).get("training")
    return flag if type(flag) is bool else None


def _named_parameters(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Every parameter of the tree by its dotted name (each object once, under its first name),
    from the raw `_modules` and `_parameters` dicts (no overridable .named_parameters())."""
    named, seen, todo = {}, set(), [("", model)]
    walked: set[int] = set()
    while todo and len(walked) < _MAX_MODULES:
        prefix, m = todo.pop(0)
        if id(m) in walked or not issubclass(type(m), torch.nn.Module):
            continue
        walked.add(id(m))
        own = _INSTANCE_DICT(m).get("_parameters")
        for name, p in own.items() if type(own) is dict else ():
            if issubclass(type(p), torch.Tensor) and id(p) not in seen:
                seen.add(id(p))
                named[f"{prefix}{name}"] = p
        children = _INSTANCE_DICT(m).get("_modules")
        if type(children) is dict:
            todo.extend((f"{prefix}{k}.", c) for k, c in children.items())
    return named


def _parameters(model: torch.nn.Module, genuine: bool = True) -> list[torch.Tensor]:
    """Trainable parameters of the tree, from the raw `_parameters` dicts (no overridable
    .parameters()). `genuine`: only exact nn.Parameter objects, whose .grad and hooks a
    subclass cannot redefine."""
    params, seen = [], set()
    for m in _modules(model):
        own = _INSTANCE_DICT(m).get("_parameters")
        for p in own.values() if type(own) is dict else ():
            if not issubclass(type(p), torch.Tensor) or (
                genuine and type(p) is not torch.nn.Parameter
            ):
                continue
            if _REQUIRES_GRAD(p) and id(p) not in seen:  # unbound: no subclass property
                seen.add(id(p))
                params.append(p)
    return params


_Watch = Callable[[torch.nn.Module], None]  # watch_*: start counting for a model
_Report = Callable[..., dict[str, int]]  # *_report: the counts for a model

# Each factory below makes one pair of probes sharing counters that only their closures reach;
# it is called once at import and deleted, so its state lives in no module global that student
# code could rebind (vars(probes) is a plain dict), and its hooks are nested for the same reason.


def _gradient_probes() -> tuple[_Watch, _Report]:
    """watch_gradients and gradient_report."""
    gradients: dict[int, list[dict[str, int]]] = {}  # id(model) -> one counter per parameter
    # the models watched: kept alive, so that no other object reuses their id()
    watched: dict[int, object] = {}

    def watch_gradients(model: torch.nn.Module) -> None:
        """From now on, count gradients computed for `model`'s parameters, and how many of them
        arrived while .grad still held an earlier, unzeroed gradient."""
        watched[id(model)] = model
        counters = gradients.setdefault(id(model), [])
        for p in _parameters(model):
            counts = {"gradients": 0, "stale": 0}
            counters.append(counts)

            def on_gradient(_grad, p=p, counts=counts):
                # called before the new gradient is accumulated into p.grad: what is there is stale
                if not _called_by(_BACKWARD_CALLER):
                    return
                counts["gradients"] += 1
                with _NO_TORCH_FUNCTION():
                    old = _GRAD(p)
                    if old is not None and bool(old.ne(0).any()):
                        counts["stale"] += 1

            with _NO_TORCH_FUNCTION():
                _REGISTER_TENSOR_HOOK(p, on_gradient)

    def gradient_report(model: torch.nn.Module) -> dict[str, int]:
        """Since watch_gradients(model): {"gradients": all gradients counted, "stale": those that
        met an unzeroed .grad, "steps": the most backward passes any one parameter saw}."""
        counters = gradients.get(id(model), [])
        return {
            "gradients": sum(c["gradients"] for c in counters),
            "stale": sum(c["stale"] for c in counters),
            "steps": max((c["gradients"] for c in counters), default=0),
        }

    return watch_gradients, gradient_report


def _mode_probes() -> tuple[_Watch, _Report]:
    """watch_modes and mode_report (about 50 lines: its forward hooks are nested, as above)."""
    passes: dict[int, dict[str, int]] = {}  # id(model) -> forward pass counts
    watched: dict[int, object] = {}  # as in _gradient_probes

    def watch_modes(model: torch.nn.Module) -> None:
        """From now on, record at every forward pass of `model` the mode of all its modules,
        and, when a gradient reaches that pass's output, the mode it ran in."""
        watched[id(model)] = model
        counts = passes.setdefault(id(model), _zero_passes())
        pending: list[str] = []  # the mode of the pass now running: "train", "eval" or "mixed"

        def before(_module, _args):
            if not _called_by(_MODULE_HOOK_CALLER):
                return
            flags = [_flag(m) for m in _modules(model)]
            mode = "train" if all(flags) else "eval" if all(f is False for f in flags) else "mixed"
            counts["passes"] += 1
            counts[mode] += 1
            pending.append(mode)

        def after(_module, _args, output):
            if not _called_by(_MODULE_HOOK_CALLER) or not pending:
                return
            mode = pending.pop()
            first = output[0] if isinstance(output, (tuple, list)) and output else output
            if type(first) is torch.Tensor and first.requires_grad:

                def on_gradient(_grad):
                    if _called_by(_BACKWARD_CALLER):
                        counts["trained"] += 1
                        counts[f"trained_{mode}"] += 1

                with _NO_TORCH_FUNCTION():
                    _REGISTER_TENSOR_HOOK(first, on_gradient)

        _REGISTER_PRE_HOOK(model, before)
        _REGISTER_HOOK(model, after)

    def mode_report(model: torch.nn.Module, clear: bool = True) -> dict[str, int]:
        """Since watch_modes(model) or the last report: {"passes", "train", "eval", "mixed"}:
        forward passes, and those with every module in train mode, in eval mode, or neither;
        {"trained", "trained_train", ...}: the same for the passes a gradient reached."""
        counts = passes.get(id(model), _zero_passes())
        seen = dict(counts)
        if clear:
            counts.update(_zero_passes())
        return seen

    return watch_modes, mode_report


def _zero_passes() -> dict[str, int]:
    kinds = ("passes", "train", "eval", "mixed")
    return {k: 0 for k in (*kinds, "trained", *(f"trained_{k}" for k in kinds[1:]))}


def _optimizer_probes() -> tuple[_Watch, _Report]:
    """watch_optimizers and optimizer_report."""
    steps: dict[int, dict[str, int]] = {}  # id(model) -> optimizer step counts
    watched: dict[int, object] = {}  # as in _gradient_probes

    def watch_optimizers(model: torch.nn.Module) -> None:
        """From now on, at every step of any torch optimizer, record which of `model`'s
        parameters (as they are now) the optimizer holds, and whether it holds a frozen one."""
        watched[id(model)] = model
        mine = {id(p) for p in _named_parameters(model).values()}
        counts = steps.setdefault(id(model), {k: 0 for k in _STEP_COUNTS})

        def before_step(optimizer, _args, _kwargs):
            if not _called_by(_OPTIMIZER_HOOK_CALLER, up=1):
                return
            held, frozen = _held(optimizer)
            counts["steps"] += 1
            counts["holding_some"] += bool(held & mine)
            counts["holding_all"] += mine <= held
            counts["holding_frozen"] += frozen

        _REGISTER_STEP_PRE_HOOK(before_step)

    def optimizer_report(model: torch.nn.Module) -> dict[str, int]:
        """Since watch_optimizers(model): {"steps": optimizer steps, "holding_some" / "holding_all":
        those whose optimizer held some / all of the model's parameters, "holding_frozen": those
        whose optimizer held a parameter (of any model) that does not require grad}."""
        return dict(steps.get(id(model), {k: 0 for k in _STEP_COUNTS}))

    return watch_optimizers, optimizer_report


_STEP_COUNTS = ("steps", "holding_some", "holding_all", "holding_frozen")


def _held(optimizer: object) -> tuple[set[int], bool]:
    """(ids of the tensors in the optimizer's parameter groups, whether one does not require
    grad), read from its own dict: a param_groups property on its class is not consulted."""
    groups = (
        _OPTIMIZER_DICT(optimizer).get("param_groups")
        if isinstance(optimizer, torch.optim.Optimizer)
        else None
    )
    frozen, seen = False, 0
    held: set[int] = set()
    for group in groups if type(groups) is list else ():
        params = group.get("params") if type(group) is dict else None
        for p in params if type(params) is list else ():
            seen += 1
            if seen > _MAX_PARAMETERS:
                return held, frozen
            if issubclass(type(p), torch.Tensor):
                held.add(id(p))
                with _NO_TORCH_FUNCTION():
                    frozen = frozen or not _REQUIRES_GRAD(p)
    return held, frozen


watch_gradients, gradient_report = _gradient_probes()
watch_modes, mode_report = _mode_probes()
watch_optimizers, optimizer_report = _optimizer_probes()
del _gradient_probes, _mode_probes, _optimizer_probes


def parameter_count(model: torch.nn.Module) -> int:
    """Number of trainable parameters (to keep a submitted model within the stated budget)."""
    with _NO_TORCH_FUNCTION():  # a tensor subclass's __torch_function__ does not answer
        return sum(torch.Tensor.numel(p) for p in _parameters(model, genuine=False))


def logits(model: torch.nn.Module, ids: torch.Tensor, t: int | None = None) -> torch.Tensor | None:
    """model(ids) without gradient tracking (no graph to hold in memory), or only its position
    t, (B, V): all a causality check needs of a copy (the whole output is T times the data).
    None when the output is not a (B, T, ...) tensor: the trusted side says so."""
    with torch.no_grad():
        out = model(ids)
    if type(out) is not torch.Tensor:  # exactly: a subclass's methods are the student's code
        return None
    if not (out.dim() == 3 and out.shape[:2] == ids.shape):
        return None
    return out if t is None else out[:, t]


def parameter_values(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """A copy of every parameter's values by dotted name, read from the raw dicts: what a
    frozen model must still hold, whatever its state_dict() would say."""
    with _NO_TORCH_FUNCTION():
        return {
            name: torch.Tensor.clone(torch.Tensor.detach(p))
            for name, p in _named_parameters(model).items()
        }


def table() -> dict[str, Callable[..., object]]:
    """The probes by name, for the worker to bind before any student code loads."""
    names: tuple[str, ...] = ("watch_gradients", "gradient_report", "watch_modes", "mode_report")
    names += ("watch_optimizers", "optimizer_report", "parameter_values")
    return {n: globals()[n] for n in (*names, "parameter_count", "logits")}


class _Sealed(types.ModuleType):
    """This module, with its names fixed: `probes.mode_report = forged` raises."""

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"{self.__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self.__name__} is read-only")


sys.modules[__name__].__class__ = _Sealed
