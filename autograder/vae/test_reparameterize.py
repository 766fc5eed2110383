"""Hidden tests for reparameterize: exact values with given noise, gradients, and the statistics
of the noise it draws itself (seeded, many samples, tolerances of 6 standard errors)."""

import math

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import gaussian_params, noise
from .mistakes import NO_GRADIENT, reparameterize_mistakes

N_SAMPLES = 20000  # rows drawn in the statistical tests
SIGMAS = 6.0  # tolerance in standard errors: a correct sampler fails with probability < 1e-8


def reference(mu, logvar, eps):
    return mu.double() + torch.exp(0.5 * logvar.double()) * eps.double()


def recovered_noise(student, seed, N=N_SAMPLES, D=4):
    """Seed the sandbox, sample z with eps=None, and return eps = (z - mu) / std (float64)."""
    mu, logvar = gaussian_params(N, D, seed=seed)
    student.seed(seed)
    z = expect_tensor(student.reparameterize(mu, logvar), "z")
    check(tuple(z.shape) == (N, D), "with eps=None, z must have mu's shape (N, D)")
    check(bool(torch.isfinite(z).all()), "z contains nan or inf")
    return (z.double() - mu.double()) / torch.exp(0.5 * logvar.double())


def test_uses_the_given_noise(student):
    """with eps given, z = mu + exp(0.5 * logvar) * eps"""
    mu, logvar = gaussian_params(7, 5, seed=1)
    eps = noise(7, 5, seed=2)
    z = student.reparameterize(mu, logvar, eps)
    expect_close(
        z, reference(mu, logvar, eps), what="z", mistakes=reparameterize_mistakes(mu, logvar, eps)
    )
    z = student.reparameterize(mu, logvar, eps=eps)  # passed by keyword, on other values
    expect_close(
        z, reference(mu, logvar, eps), what="z", mistakes=reparameterize_mistakes(mu, logvar, eps)
    )


def test_gradients_reach_mu_and_logvar(student):
    """gradients flow to mu and logvar (dz/dmu = 1, dz/dlogvar = 0.5 * std * eps)"""
    mu, logvar = gaussian_params(6, 3, seed=3)
    eps = noise(6, 3, seed=4)
    g = noise(6, 3, seed=5)
    grads = student.grad("reparameterize", mu, logvar, eps, wrt=[0, 1], grad_output=g)
    mu_, lv_ = mu.clone().requires_grad_(), logvar.clone().requires_grad_()
    expected = torch.autograd.grad(mu_ + torch.exp(0.5 * lv_) * eps, [mu_, lv_], g)
    for name, got, exp in zip(["mu", "logvar"], grads, expected, strict=True):
        check(got is not None, NO_GRADIENT.format(name=name))
        expect_close(got, exp, what=f"the gradient with respect to {name}")


def test_gradients_flow_when_it_samples(student):
    """with eps=None, gradients still reach mu and logvar through the sampled noise"""
    mu, logvar = gaussian_params(50, 3, seed=6)
    g = torch.ones(50, 3)
    student.seed(11)
    z = expect_tensor(student.reparameterize(mu, logvar), "z")
    student.seed(11)  # the same draw again, now through autograd
    d_mu, d_logvar = student.grad("reparameterize", mu, logvar, wrt=[0, 1], grad_output=g)
    check(d_mu is not None, NO_GRADIENT.format(name="mu") + ", also when eps is None")
    check(d_logvar is not None, NO_GRADIENT.format(name="logvar") + ", also when eps is None")
    expect_close(d_mu, g, what="the gradient with respect to mu", hint="dz/dmu must be 1")
    # dz/dlogvar = 0.5 * std * eps = 0.5 * (z - mu) for the noise that was drawn
    expect_close(
        d_logvar,
        0.5 * (z.double() - mu.double()),
        what="the gradient with respect to logvar",
        hint="with eps=None, dz/dlogvar must be 0.5 * std * eps for the sampled eps: compute z = mu + exp(0.5 * logvar) * eps from the noise you drew",
        atol=1e-4,
    )


def test_noise_is_standard_normal(student):
    """with eps=None, (z - mu) / std is independent N(0, 1) noise for every element"""
    eps = recovered_noise(student, seed=2024)
    n_rows, D = eps.shape
    check(
        float(eps.std()) > 0.1,
        "with eps=None z has (almost) no noise: draw eps ~ N(0, I), e.g. torch.randn_like(mu)",
    )
    check(
        bool((eps.std(dim=0) > 0.1).all()),
        "every row got the same noise: draw eps with mu's full shape (N, D), one value per element",
    )
    check(
        bool((eps.std(dim=1) > 0.05).any()),
        "the D coordinates of a row share one noise value: draw eps with mu's full shape (N, D)",
    )
    check(
        not bool(((eps > -1e-6) & (eps < 1 + 1e-6)).all()),
        "the noise looks uniform on [0, 1): eps must be standard normal (torch.randn, not torch.rand)",
    )
    se_mean = SIGMAS / math.sqrt(n_rows)
    check(
        bool((eps.mean(dim=0).abs() < se_mean).all()),
        "the noise does not have mean 0: eps must be standard normal, N(0, 1)",
    )
    se_var = SIGMAS * math.sqrt(2.0 / n_rows)
    check(
        bool(((eps.var(dim=0) - 1).abs() < se_var).all()),
        "z - mu does not have variance exp(logvar): eps must have variance 1, scaled by std = exp(0.5 * logvar)",
    )
    p = math.erf(1 / math.sqrt(2))  # P(|e| < 1) for a standard normal
    inside = float((eps.abs() < 1).double().mean())
    check(
        abs(inside - p) < SIGMAS * math.sqrt(p * (1 - p) / eps.numel()),
        "the noise has mean 0 and variance 1 but is not normally distributed: use torch.randn",
    )
    corr = (eps[:, :-1] * eps[:, 1:]).mean(dim=0)
    check(
        bool((corr.abs() < SIGMAS / math.sqrt(n_rows)).all()),
        "the noise of different coordinates is correlated: draw every element independently",
    )


def test_fresh_noise_on_every_call(student):
    """with eps=None, each call draws new, independent noise"""
    mu, logvar = gaussian_params(2000, 3, seed=8)
    student.seed(5)
    z1 = expect_tensor(student.reparameterize(mu, logvar), "z")
    z2 = expect_tensor(student.reparameterize(mu, logvar), "z")
    check(
        not torch.allclose(z1.double(), z2.double()),
        "two calls returned the same sample: draw fresh noise on every call (do not reseed inside the function)",
    )
    std = torch.exp(0.5 * logvar.double())
    e1, e2 = (z1.double() - mu) / std, (z2.double() - mu) / std
    check(
        float((e1 * e2).mean().abs()) < SIGMAS / math.sqrt(e1.numel()),
        "the noise of two calls is correlated: draw fresh, independent noise on every call",
    )
