"""Reseeds the global generator inside, so every call draws the same noise.

target: reparameterize
hint: two calls returned the same sample
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    torch.manual_seed(0)
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps
