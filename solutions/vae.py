"""Reference solution for the `vae` assignment.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name; the
signature and docstring the student sees live in the notebook. Keep each function
self-contained (it may call other graded functions, never private helpers).
"""

import torch
import torch.nn.functional as F


def reparameterize(mu, logvar, eps=None):
    """Reference: z = mu + exp(0.5 * logvar) * eps, eps ~ N(0, I) of mu's shape when not given."""
    if eps is None:
        eps = torch.randn_like(mu)  # fresh, independent noise for every element
    std = torch.exp(0.5 * logvar)  # logvar = log sigma^2, so sigma = exp(logvar / 2)
    return mu + std * eps  # (N, D); differentiable in mu and logvar


def kl_divergence(mu, logvar):
    """Reference: KL(N(mu, diag(exp(logvar))) || N(0, I)) per sample, summed over D: (N,)."""
    return -0.5 * (1 + logvar - mu**2 - torch.exp(logvar)).sum(dim=-1)


def tied_autoencoder(x, W):
    """Reference: z = x @ W.T (N, k), x_hat = z @ W (N, D)."""
    z = x @ W.T  # encoder: W is (k, D), nn.Linear's (out, in)
    x_hat = z @ W  # decoder: the transposed weight W.T (D, k), applied as z @ (W.T).T
    return z, x_hat


def train_linear_autoencoder(x, k, steps, lr, seed):
    """Reference: plain gradient descent on the mean squared reconstruction error of the tied AE."""
    g = torch.Generator().manual_seed(seed)
    W = 0.1 * torch.randn(k, x.shape[1], generator=g, dtype=x.dtype)
    W.requires_grad_(True)
    for _ in range(steps):
        _, x_hat = tied_autoencoder(x, W)
        loss = ((x_hat - x) ** 2).mean()  # mean over all N * D entries
        (grad,) = torch.autograd.grad(loss, W)
        with torch.no_grad():
            W -= lr * grad
    return W.detach()


def corrupt(x, drop_prob):
    """Reference: each entry independently zeroed with probability drop_prob, others unchanged."""
    keep = torch.rand_like(x) >= drop_prob  # True with probability 1 - drop_prob
    return torch.where(keep, x, torch.zeros_like(x))


def vae_loss(x, x_hat, mu, logvar):
    """Reference: mean over the batch of (sum over D of squared error + KL)."""
    reconstruction = ((x_hat - x) ** 2).sum(dim=-1)  # (N,)
    return (reconstruction + kl_divergence(mu, logvar)).mean()


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    """Reference: mean(-log sigmoid(real)) + mean(-log(1 - sigmoid(fake))), in the stable form."""
    real = F.softplus(-d_real_logits).mean()  # -log sigmoid(l) = softplus(-l)
    fake = F.softplus(d_fake_logits).mean()  # -log(1 - sigmoid(l)) = softplus(l)
    return real + fake


def gan_generator_loss(d_fake_logits):
    """Reference: the non-saturating loss mean(-log sigmoid(fake)), in the stable form."""
    return F.softplus(-d_fake_logits).mean()
