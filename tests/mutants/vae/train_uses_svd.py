"""Reads the principal subspace off a (banned) SVD.

target: train_linear_autoencoder
hint: torch.linalg.svd
unaffected: reparameterize, kl_divergence, tied_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def train_linear_autoencoder(x, k, steps, lr, seed):
    _, _, Vh = torch.linalg.svd(x, full_matrices=False)
    return Vh[:k].clone()
