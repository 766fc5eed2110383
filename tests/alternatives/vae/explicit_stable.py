"""Correct, with explicit formulas: a hand-written stable softplus, std as sqrt(var), a KL written
as a trace/log-det expression, loss.backward() training and torch.where masking."""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn(mu.shape, dtype=mu.dtype)
    std = torch.sqrt(torch.exp(logvar))
    return mu + eps * std


def kl_divergence(mu, logvar):
    trace = torch.exp(logvar).sum(-1)
    mahalanobis = (mu * mu).sum(-1)
    log_det = logvar.sum(-1)
    return 0.5 * (trace + mahalanobis - mu.shape[-1] - log_det)


def tied_autoencoder(x, W):
    z = torch.matmul(x, W.transpose(0, 1))
    x_hat = torch.matmul(z, W)
    return (z, x_hat)


def train_linear_autoencoder(x, k, steps, lr, seed):
    gen = torch.Generator()
    gen.manual_seed(seed)
    W = 0.1 * torch.randn(k, x.shape[1], generator=gen, dtype=x.dtype)
    W.requires_grad = True
    for _ in range(steps):
        z, x_hat = tied_autoencoder(x, W)
        loss = (x_hat - x).pow(2).sum() / x.numel()
        loss.backward()
        with torch.no_grad():
            W.sub_(lr * W.grad)
        W.grad = None
    return W.detach()


def corrupt(x, drop_prob):
    drop = torch.rand(x.shape) < drop_prob
    return torch.where(drop, torch.zeros_like(x), x)


def vae_loss(x, x_hat, mu, logvar):
    per_sample = (x - x_hat).pow(2).sum(dim=1) + kl_divergence(mu, logvar)
    return per_sample.sum() / len(per_sample)


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    def softplus(u):  # log(1 + e^u) without overflow
        return torch.clamp(u, min=0) + torch.log1p(torch.exp(-torch.abs(u)))

    return softplus(-d_real_logits).mean() + softplus(d_fake_logits).mean()


def gan_generator_loss(d_fake_logits):
    u = -d_fake_logits
    return (torch.clamp(u, min=0) + torch.log1p(torch.exp(-torch.abs(u)))).mean()
