"""Draws one noise vector of size D and shares it across the batch.

target: reparameterize
hint: every row got the same noise
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn(mu.shape[-1])
    return mu + torch.exp(0.5 * logvar) * eps
