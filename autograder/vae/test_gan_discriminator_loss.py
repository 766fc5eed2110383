"""Hidden tests for gan_discriminator_loss, against torch's BCE-with-logits (trusted side)."""

import torch
import torch.nn.functional as F

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import LARGE_FAKE, LARGE_REAL, logits
from .mistakes import STABLE, discriminator_mistakes


def reference(real, fake):
    real, fake = real.double(), fake.double()
    return F.binary_cross_entropy_with_logits(
        real, torch.ones_like(real)
    ) + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))


def scalar(loss):
    loss = expect_tensor(loss, "the loss")
    check(loss.dim() == 0, "the loss must be a scalar (0-dim) tensor: average over the batch")
    return loss


def test_matches_bce_with_logits(student):
    """equals BCE-with-logits with label 1 for the real and 0 for the fake logits"""
    real, fake = logits(10, seed=70), logits(10, seed=71)
    loss = scalar(student.gan_discriminator_loss(real, fake))
    expect_close(
        loss, reference(real, fake), what="the loss", mistakes=discriminator_mistakes(real, fake)
    )


def test_stable_for_large_logits(student):
    """stays finite and exact for logits as large as +-1000"""
    loss = scalar(student.gan_discriminator_loss(LARGE_REAL, LARGE_FAKE))
    check(bool(torch.isfinite(loss)), STABLE)
    expect_close(
        loss,
        reference(LARGE_REAL, LARGE_FAKE),
        what="the loss",
        mistakes=discriminator_mistakes(LARGE_REAL, LARGE_FAKE),
        hint=STABLE,
    )


def test_gradients(student):
    """gradients with respect to both logits match autograd, also for large logits"""
    real, fake = (
        torch.cat([logits(6, seed=72), LARGE_REAL]),
        torch.cat([logits(6, seed=73), LARGE_FAKE]),
    )
    grads = student.grad(
        "gan_discriminator_loss", real, fake, wrt=[0, 1], grad_output=torch.tensor(1.0)
    )
    leaves = [t.double().requires_grad_() for t in (real, fake)]
    expected = torch.autograd.grad(reference(*leaves), leaves)
    for name, got, exp in zip(["the real logits", "the fake logits"], grads, expected, strict=True):
        check(
            got is not None, f"no gradient reaches {name}: compute the loss with torch operations"
        )
        check(bool(torch.isfinite(got).all()), STABLE)
        expect_close(got, exp, what=f"the gradient with respect to {name}", hint=STABLE)
