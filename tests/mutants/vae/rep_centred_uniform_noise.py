"""Draws uniform noise scaled to mean 0 and variance 1: not normal.

target: reparameterize
hint: not normally distributed
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = (torch.rand_like(mu) - 0.5) * 12**0.5
    return mu + torch.exp(0.5 * logvar) * eps
