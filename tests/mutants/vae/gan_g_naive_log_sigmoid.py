"""Computes -log(sigmoid(.)) directly, which overflows for large logits.

target: gan_generator_loss
hint: not numerically stable
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss
"""

import torch


def gan_generator_loss(d_fake_logits):
    return -torch.log(torch.sigmoid(d_fake_logits)).mean()
