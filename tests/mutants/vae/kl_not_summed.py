"""Returns the per-coordinate terms (N, D) without summing.

target: kl_divergence
hint: sum the KL over the latent dimension
unaffected: reparameterize, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch


def kl_divergence(mu, logvar):
    return -0.5 * (1 + logvar - mu**2 - torch.exp(logvar))
