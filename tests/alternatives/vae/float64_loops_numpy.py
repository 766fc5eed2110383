"""Correct, computing in float64 with per-sample loops, einsum, numpy's random generator and a
hand-derived gradient for the autoencoder."""

import numpy as np
import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.from_numpy(np.random.standard_normal(tuple(mu.shape)))
    z = mu.double() + torch.sqrt(torch.exp(logvar.double())) * eps.double()
    return z.to(mu.dtype)


def kl_divergence(mu, logvar):
    rows = []
    for m, lv in zip(mu.double(), logvar.double(), strict=True):
        var = torch.exp(lv)
        rows.append(0.5 * torch.sum(var + m * m - 1.0 - lv))
    return torch.stack(rows).to(mu.dtype)


def tied_autoencoder(x, W):
    z = torch.einsum("nd,kd->nk", x, W)
    x_hat = torch.einsum("nk,kd->nd", z, W)
    return z, x_hat


def train_linear_autoencoder(x, k, steps, lr, seed):
    g = torch.Generator().manual_seed(seed)
    W = (0.1 * torch.randn(k, x.shape[1], generator=g, dtype=x.dtype)).double()
    X = x.double()
    for _ in range(steps):
        Z = X @ W.T  # (N, k)
        G = 2.0 * (Z @ W - X) / X.numel()  # dloss/dx_hat
        grad = Z.T @ G + W @ G.T @ X  # decoder use + encoder use of W
        W = W - lr * grad
    return W.to(x.dtype)


def corrupt(x, drop_prob):
    keep = torch.from_numpy(np.random.random_sample(tuple(x.shape)) >= drop_prob)
    return x.masked_fill(~keep, 0.0)


def vae_loss(x, x_hat, mu, logvar):
    total = torch.zeros((), dtype=torch.float64)
    kl = kl_divergence(mu.double(), logvar.double())
    for n in range(x.shape[0]):
        total = total + ((x_hat[n].double() - x[n].double()) ** 2).sum() + kl[n]
    return (total / x.shape[0]).to(x.dtype)


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    r, f = d_real_logits.double(), d_fake_logits.double()
    loss = -torch.nn.functional.logsigmoid(r).mean() - torch.nn.functional.logsigmoid(-f).mean()
    return loss.to(d_real_logits.dtype)


def gan_generator_loss(d_fake_logits):
    return (-torch.nn.functional.logsigmoid(d_fake_logits.double()).mean()).to(d_fake_logits.dtype)
