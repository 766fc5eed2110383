"""Also averages over the batch, returning a scalar.

target: kl_divergence
hint: do not reduce over the batch
unaffected: reparameterize, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch


def kl_divergence(mu, logvar):
    return -0.5 * (1 + logvar - mu**2 - torch.exp(logvar)).sum(dim=-1).mean()
