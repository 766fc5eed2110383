"""The kit's probes: small trusted routines run *inside* the worker on an object it keeps.

They watch how student code uses a model, which no returned value shows: whether the gradients
were zeroed before each backward pass, and in which mode (train/eval) each forward pass ran.
Their reports are as (un)trustworthy as any value student code returns: they can tell honest
mistakes apart, which is what they are for.
"""

from __future__ import annotations

import functools

import torch

_gradients: dict[int, dict[str, int]] = {}
_modes: dict[int, list[bool]] = {}


def _on_gradient(param: torch.Tensor, counts: dict[str, int], _grad: torch.Tensor) -> None:
    # called before the new gradient is accumulated into param.grad: whatever is there is stale
    counts["gradients"] += 1
    if param.grad is not None and bool(param.grad.ne(0).any()):
        counts["stale"] += 1


def watch_gradients(model: torch.nn.Module) -> None:
    """From now on, count gradients computed for `model`'s parameters, and how many of them
    arrived while .grad still held an earlier, unzeroed gradient."""
    counts = _gradients.setdefault(id(model), {"gradients": 0, "stale": 0})
    for p in model.parameters():
        if p.requires_grad:
            p.register_hook(functools.partial(_on_gradient, p, counts))


def gradient_report(model: torch.nn.Module) -> dict[str, int]:
    """{"gradients": n, "stale": m} since watch_gradients(model)."""
    return dict(_gradients.get(id(model), {"gradients": 0, "stale": 0}))


def watch_modes(model: torch.nn.Module) -> None:
    """From now on, record `model.training` at every forward pass of `model`."""
    modes = _modes.setdefault(id(model), [])
    model.register_forward_pre_hook(lambda module, _args: modes.append(bool(module.training)))


def mode_report(model: torch.nn.Module, clear: bool = True) -> list[bool]:
    """model.training at each forward pass since the last report (or watch_modes)."""
    modes = _modes.get(id(model), [])
    seen = list(modes)
    if clear:
        modes.clear()
    return seen


def parameter_count(model: torch.nn.Module) -> int:
    """Number of trainable parameters (to keep a submitted model within the stated budget)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
