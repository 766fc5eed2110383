"""Hidden tests for vae_loss: mean over the batch of (sum of squared errors over D + KL)."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import gaussian_params
from .mistakes import vae_loss_mistakes


def inputs(N=8, D=6, d_z=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    x, x_hat = torch.randn(N, D, generator=g), torch.randn(N, D, generator=g)
    mu, logvar = gaussian_params(N, d_z, seed=seed + 1)
    return x, x_hat, mu, logvar


def reference(x, x_hat, mu, logvar):
    """float64, via torch's own MSE (sum) and the KL of torch.distributions."""
    from torch.distributions import Normal, kl_divergence

    N = x.shape[0]
    rec = torch.nn.functional.mse_loss(x_hat.double(), x.double(), reduction="sum") / N
    q = Normal(mu.double(), torch.exp(0.5 * logvar.double()))
    kl = kl_divergence(q, Normal(torch.zeros_like(q.loc), torch.ones_like(q.scale))).sum() / N
    return rec + kl


def scalar(loss, N):
    loss = expect_tensor(loss, "the loss")
    check(
        loss.numel() != N or N == 1,
        "return one number for the batch: average the per-sample losses over the batch",
    )
    check(loss.dim() == 0, "the loss must be a scalar (0-dim) tensor")
    return loss


def test_reconstruction_plus_kl_averaged_over_the_batch(student):
    """equals the mean over the batch of (sum over D of squared errors + KL), with d_z != D"""
    args = inputs(seed=60)
    loss = scalar(student.vae_loss(*args), 8)
    expect_close(loss, reference(*args), what="the loss", mistakes=vae_loss_mistakes(*args))


def test_duplicating_the_batch_changes_nothing(student):
    """is a batch average: doubling the batch with copies leaves it unchanged"""
    args = inputs(N=5, D=4, d_z=2, seed=61)
    once = scalar(student.vae_loss(*args), 5)
    twice = scalar(student.vae_loss(*(torch.cat([a, a]) for a in args)), 10)
    expect_close(
        twice,
        once.double(),
        what="the loss of the doubled batch",
        hint="the loss is averaged over the batch, not summed",
    )
    expect_close(once, reference(*args), what="the loss", mistakes=vae_loss_mistakes(*args))


def test_gradients(student):
    """gradients with respect to x_hat, mu and logvar match autograd"""
    x, x_hat, mu, logvar = inputs(N=6, D=5, d_z=3, seed=62)
    grads = student.grad(
        "vae_loss", x, x_hat, mu, logvar, wrt=[1, 2, 3], grad_output=torch.tensor(1.0)
    )
    leaves = [t.double().requires_grad_() for t in (x_hat, mu, logvar)]
    expected = torch.autograd.grad(reference(x, *leaves), leaves)
    for name, got, exp in zip(["x_hat", "mu", "logvar"], grads, expected, strict=True):
        check(
            got is not None,
            f"no gradient reaches {name}: compute the loss from it with torch operations",
        )
        expect_close(got, exp, what=f"the gradient with respect to {name}")
