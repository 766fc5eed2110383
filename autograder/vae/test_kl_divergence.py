"""Hidden tests for kl_divergence, against torch.distributions' closed-form KL (trusted side)."""

import torch
from torch.distributions import Normal
from torch.distributions import kl_divergence as torch_kl

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import gaussian_params
from .mistakes import kl_mistakes


def reference(mu, logvar):
    """KL per sample, summed over the latent dimension, from torch.distributions (float64)."""
    q = Normal(mu.double(), torch.exp(0.5 * logvar.double()))
    p = Normal(torch.zeros_like(q.loc), torch.ones_like(q.scale))
    return torch_kl(q, p).sum(-1)


def check_shape(kl, N, D):
    kl = expect_tensor(kl, "the KL")
    check(kl.dim() != 0, "return one KL per sample, shape (N,): do not reduce over the batch")
    check(tuple(kl.shape) != (N, D), "sum the KL over the latent dimension D: shape (N,)")
    return kl


def test_matches_torch_distributions(student):
    """matches the closed-form KL of torch.distributions, one value per sample"""
    mu, logvar = gaussian_params(6, 5, seed=10)
    kl = check_shape(student.kl_divergence(mu, logvar), 6, 5)
    expect_close(kl, reference(mu, logvar), what="the KL", mistakes=kl_mistakes(mu, logvar))


def test_zero_at_the_prior_and_positive_elsewhere(student):
    """is 0 for N(0, I) and positive otherwise, for a single sample and a single coordinate"""
    zero = check_shape(student.kl_divergence(torch.zeros(3, 4), torch.zeros(3, 4)), 3, 4)
    expect_close(
        zero,
        torch.zeros(3),
        what="the KL of the prior to itself",
        hint="the KL of N(0, I) to itself must be 0: check the constant 1 and the mu^2 and exp(logvar) terms",
    )
    mu, logvar = gaussian_params(1, 1, seed=11)
    kl = student.kl_divergence(mu, logvar)
    expect_close(kl, reference(mu, logvar), what="the KL", mistakes=kl_mistakes(mu, logvar))
    mu, logvar = gaussian_params(9, 2, seed=12)
    kl = check_shape(student.kl_divergence(mu, logvar), 9, 2)
    check(bool((kl > 0).all()), "a KL divergence is never negative: check the sign")


def test_gradients(student):
    """gradients with respect to mu and logvar match autograd through the closed form"""
    mu, logvar = gaussian_params(5, 4, seed=13)
    g = torch.randn(5, generator=torch.Generator().manual_seed(13))
    grads = student.grad("kl_divergence", mu, logvar, wrt=[0, 1], grad_output=g)
    mu_, lv_ = mu.double().requires_grad_(), logvar.double().requires_grad_()
    expected = torch.autograd.grad(reference(mu_, lv_), [mu_, lv_], g.double())
    for name, got, exp in zip(["mu", "logvar"], grads, expected, strict=True):
        check(
            got is not None,
            f"no gradient reaches {name}: compute the KL from it with torch operations",
        )
        expect_close(got, exp, what=f"the gradient with respect to {name}")
