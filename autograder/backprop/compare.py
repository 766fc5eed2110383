"""Comparing lists of per-layer tensors (gradients, updated weights) against the reference.

Each layer is compared relative to its own scale, so the tiny gradients of the first layers of
a deep sigmoid chain count as much as the large ones of the last layers.
"""

import torch

from dlnlp.testing import Mistake, check, expect_close


def expect_tensor_list(got, what, length):
    check(
        isinstance(got, (list, tuple)) and all(isinstance(t, torch.Tensor) for t in got),
        f"{what} must be a list of tensors, one per layer",
    )
    check(len(got) == length, f"{what} must have exactly one entry per layer, like weights")
    return list(got)


def _flat(tensors, scales):
    return torch.cat([(t.double() / s).reshape(-1) for t, s in zip(tensors, scales, strict=True)])


def expect_close_list(got, expected, *, what, mistakes=(), rtol=1e-6, dtype=None):
    """Pass when every got[i] matches expected[i] within rtol of expected[i]'s largest entry."""
    got = expect_tensor_list(got, what, len(expected))
    if dtype is not None:
        check(
            all(t.dtype == dtype for t in got),
            f"{what} must keep the inputs' dtype ({dtype}); do not convert to another precision",
        )
    scales = [e.double().abs().max().clamp_min(1e-300) for e in expected]
    wrong = [(hint, _flat(m, scales)) for hint, m in mistakes if len(m) == len(expected)]
    flat_got = _flat(got, scales)
    if any(tuple(t.shape) != tuple(e.shape) for t, e in zip(got, expected, strict=True)):
        # a transposed or reordered list holds the same entries in other shapes
        for hint, w in wrong:
            if flat_got.shape == w.shape and torch.allclose(flat_got, w, atol=rtol, rtol=0):
                raise Mistake(hint)
        i = next(
            i for i, (t, e) in enumerate(zip(got, expected, strict=True)) if t.shape != e.shape
        )
        raise Mistake(
            f"entry {i} of {what} has shape {tuple(got[i].shape)}, which does not follow the "
            "contract in the docstring"
        )
    expect_close(flat_got, _flat(expected, scales), what=what, mistakes=wrong, atol=rtol, rtol=0)
