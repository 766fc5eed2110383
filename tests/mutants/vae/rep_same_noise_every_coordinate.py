"""Draws one noise value per row and shares it across the D coordinates.

target: reparameterize
hint: share one noise value
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn(mu.shape[0], 1)
    return mu + torch.exp(0.5 * logvar) * eps
