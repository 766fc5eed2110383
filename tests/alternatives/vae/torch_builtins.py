"""Correct, written with torch's building blocks: torch.normal, F.linear, nn.Parameter with
F.mse_loss and .backward(), torch.bernoulli, and BCE-with-logits."""

import torch
import torch.nn.functional as F


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.normal(torch.zeros_like(mu), torch.ones_like(mu))
    return torch.addcmul(mu, logvar.mul(0.5).exp(), eps)


def kl_divergence(mu, logvar):
    return 0.5 * (logvar.exp() + mu.pow(2) - 1 - logvar).sum(dim=1)


def tied_autoencoder(x, W):
    z = F.linear(x, W)
    return z, F.linear(z, W.t())


def train_linear_autoencoder(x, k, steps, lr, seed):
    g = torch.Generator().manual_seed(seed)
    W = torch.nn.Parameter(0.1 * torch.randn(k, x.shape[1], generator=g, dtype=x.dtype))
    for _ in range(steps):
        F.mse_loss(tied_autoencoder(x, W)[1], x).backward()
        with torch.no_grad():
            W.add_(W.grad, alpha=-lr)
        W.grad.zero_()
    return W.detach().clone()


def corrupt(x, drop_prob):
    return x * torch.bernoulli(torch.full_like(x, 1.0 - drop_prob))


def vae_loss(x, x_hat, mu, logvar):
    return F.mse_loss(x_hat, x, reduction="sum") / x.shape[0] + kl_divergence(mu, logvar).mean()


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    bce = torch.nn.BCEWithLogitsLoss()
    return bce(d_real_logits, torch.ones_like(d_real_logits)) + bce(
        d_fake_logits, torch.zeros_like(d_fake_logits)
    )


def gan_generator_loss(d_fake_logits):
    return F.binary_cross_entropy_with_logits(d_fake_logits, torch.ones_like(d_fake_logits))
