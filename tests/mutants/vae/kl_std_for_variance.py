"""Uses the std exp(0.5 * logvar) where the variance belongs.

target: kl_divergence
hint: not the std
unaffected: reparameterize, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch


def kl_divergence(mu, logvar):
    return -0.5 * (1 + logvar - mu**2 - torch.exp(0.5 * logvar)).sum(dim=-1)
