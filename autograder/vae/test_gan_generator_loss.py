"""Hidden tests for gan_generator_loss (non-saturating), against torch's BCE-with-logits."""

import torch
import torch.nn.functional as F

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import LARGE_FAKE, logits
from .mistakes import STABLE, generator_mistakes


def reference(fake):
    fake = fake.double()
    return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))


def scalar(loss):
    loss = expect_tensor(loss, "the loss")
    check(loss.dim() == 0, "the loss must be a scalar (0-dim) tensor: average over the batch")
    return loss


def test_non_saturating_loss(student):
    """equals mean(-log D(G(z))): BCE-with-logits of the fakes with label 1"""
    fake = logits(12, seed=80)
    loss = scalar(student.gan_generator_loss(fake))
    expect_close(loss, reference(fake), what="the loss", mistakes=generator_mistakes(fake))


def test_stable_for_large_logits(student):
    """stays finite and exact for logits as large as +-1000"""
    loss = scalar(student.gan_generator_loss(LARGE_FAKE))
    check(bool(torch.isfinite(loss)), STABLE)
    expect_close(
        loss,
        reference(LARGE_FAKE),
        what="the loss",
        mistakes=generator_mistakes(LARGE_FAKE),
        hint=STABLE,
    )


def test_strong_gradient_when_the_discriminator_wins(student):
    """gradients match autograd: about -1/N for confidently rejected fakes, not 0"""
    fake = torch.cat([logits(6, seed=81), torch.tensor([-12.0, -30.0, -1000.0])])
    (got,) = student.grad("gan_generator_loss", fake, wrt=[0], grad_output=torch.tensor(1.0))
    check(got is not None, "no gradient reaches the logits: compute the loss with torch operations")
    check(bool(torch.isfinite(got).all()), STABLE)
    leaf = fake.double().requires_grad_()
    (expected,) = torch.autograd.grad(reference(leaf), [leaf])
    saturating = torch.autograd.grad(-F.softplus(leaf).mean(), [leaf])[0]
    expect_close(
        got,
        expected,
        what="the gradient",
        mistakes=[
            (
                "the gradient vanishes when the discriminator rejects the fakes: this is the saturating loss log(1 - D(G(z))); use -log D(G(z))",
                saturating,
            )
        ],
        hint=STABLE,
    )
