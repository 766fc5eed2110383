"""Averages the KL over the latent dimension instead of summing.

target: kl_divergence
hint: not averaged
unaffected: reparameterize, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch


def kl_divergence(mu, logvar):
    return -0.5 * (1 + logvar - mu**2 - torch.exp(logvar)).mean(dim=-1)
