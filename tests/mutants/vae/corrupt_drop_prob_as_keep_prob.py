"""Keeps each entry with probability drop_prob.

target: corrupt
hint: not of keeping it
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def corrupt(x, drop_prob):
    keep = torch.rand_like(x) < drop_prob
    return x * keep
