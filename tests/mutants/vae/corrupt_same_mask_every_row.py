"""Draws one mask over the features and uses it for every sample.

target: corrupt
hint: whole columns
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def corrupt(x, drop_prob):
    keep = torch.rand(x.shape[1:]) >= drop_prob
    return x * keep
