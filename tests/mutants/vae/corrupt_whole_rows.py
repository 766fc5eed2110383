"""Drops whole samples (rows) instead of single entries.

target: corrupt
hint: whole rows
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def corrupt(x, drop_prob):
    keep = torch.rand(x.shape[0], *[1] * (x.dim() - 1)) >= drop_prob
    return x * keep
