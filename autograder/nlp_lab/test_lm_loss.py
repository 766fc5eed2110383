"""Hidden tests for lm_loss."""

import torch
import torch.nn.functional as F

from dlnlp.testing import Mistake, check, expect_close

from .lab import PAD


def inputs(pad_id=0, seed=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(3, 5, 7, generator=g) * 2
    targets = torch.randint(0, 7, (3, 5), generator=g)
    targets[targets == pad_id] = (pad_id + 1) % 7
    targets[0, 3:] = pad_id
    targets[2, 1:] = pad_id
    return logits, targets


def mistakes(logits, targets, pad_id):
    flat, t = logits.double().reshape(-1, logits.shape[-1]), targets.reshape(-1)
    ce = F.cross_entropy(flat, t, reduction="none")
    real = t != pad_id
    return [
        (
            "padding is counted in the mean: average over the real targets only (target != pad_id)",
            (ce * real).sum() / len(t),
        ),
        (
            "padding is counted in the loss: leave out the positions whose target is pad_id",
            ce.mean(),
        ),
        ("the loss is summed over tokens: take the mean over the real targets", ce[real].sum()),
    ]


def test_mean_over_real_targets(student):
    """the mean cross-entropy over the positions whose target is not pad_id"""
    for pad_id in (PAD, 4):
        logits, targets = inputs(pad_id)
        expected = F.cross_entropy(
            logits.double().reshape(-1, 7), targets.reshape(-1), ignore_index=pad_id
        )
        got = student.lm_loss(logits, targets, pad_id=pad_id)
        check(
            isinstance(got, torch.Tensor),
            "lm_loss must return a scalar tensor (not .item()): it is backpropagated",
        )
        check(
            got.dim() == 0,
            f"lm_loss must return a scalar (0-dim) tensor, got shape {tuple(got.shape)}",
        )
        fixed = F.cross_entropy(
            logits.double().reshape(-1, 7), targets.reshape(-1), ignore_index=PAD
        )
        if pad_id != PAD and abs(float(got) - float(fixed)) < 1e-5:
            raise Mistake("use the pad_id argument, not a fixed 0")
        expect_close(
            got,
            expected,
            what="lm_loss",
            mistakes=mistakes(logits, targets, pad_id),
            hint="lm_loss is the mean next-token cross-entropy over real targets",
        )


def test_gradients_reach_the_logits(student):
    """is differentiable: its gradient with respect to the logits matches cross_entropy's"""
    logits, targets = inputs(seed=1)
    x = logits.clone().requires_grad_(True)
    F.cross_entropy(x.reshape(-1, 7), targets.reshape(-1), ignore_index=PAD).backward()
    (grad,) = student.grad("lm_loss", logits, targets, wrt=[0], grad_output=torch.tensor(1.0))
    check(
        grad is not None,
        "no gradient reaches the logits: keep the loss a tensor, built with torch operations",
    )
    expect_close(
        grad,
        x.grad,
        what="the gradient of lm_loss",
        hint="the gradient differs: is the loss the mean over real targets?",
    )
