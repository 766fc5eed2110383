"""Rescales the kept entries by 1 / (1 - p), like inverted dropout.

target: corrupt
hint: no 1 / (1 - p) rescaling
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def corrupt(x, drop_prob):
    keep = torch.rand_like(x) >= drop_prob
    return x * keep / (1 - drop_prob)
