"""Returns the per-sample losses without averaging.

target: vae_loss
hint: average the per-sample losses
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch


def vae_loss(x, x_hat, mu, logvar):
    kl = -0.5 * (1 + logvar - mu**2 - torch.exp(logvar)).sum(dim=-1)
    return ((x_hat - x) ** 2).sum(dim=-1) + kl
