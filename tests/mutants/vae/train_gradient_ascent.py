"""Steps up the gradient.

target: train_linear_autoencoder
hint: did not decrease
unaffected: reparameterize, kl_divergence, tied_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def train_linear_autoencoder(x, k, steps, lr, seed):
    g = torch.Generator().manual_seed(seed)
    W = 0.1 * torch.randn(k, x.shape[1], generator=g, dtype=x.dtype)
    W.requires_grad_(True)
    for _ in range(steps):
        x_hat = x @ W.T @ W
        loss = ((x_hat - x) ** 2).mean()
        (grad,) = torch.autograd.grad(loss, W)
        with torch.no_grad():
            W += lr * grad
    return W.detach()
