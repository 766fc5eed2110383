"""Computes log(sigmoid(.)) directly, which overflows for large logits.

target: gan_discriminator_loss
hint: not numerically stable
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_generator_loss
"""

import torch


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    return -(
        torch.log(torch.sigmoid(d_real_logits)) + torch.log(1 - torch.sigmoid(d_fake_logits))
    ).mean()
