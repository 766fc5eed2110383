"""Reseeds the global generator inside: the same mask on every call.

target: corrupt
hint: two calls dropped the same entries
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def corrupt(x, drop_prob):
    torch.manual_seed(0)
    keep = torch.rand_like(x) >= drop_prob
    return x * keep
