"""Forgets the mu^2 term.

target: kl_divergence
hint: mu^2 term is missing
unaffected: reparameterize, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch


def kl_divergence(mu, logvar):
    return -0.5 * (1 + logvar - torch.exp(logvar)).sum(dim=-1)
