"""Sums over the batch instead of averaging.

target: gan_generator_loss
hint: do not sum
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss
"""

import torch.nn.functional as F


def gan_generator_loss(d_fake_logits):
    return F.softplus(-d_fake_logits).sum()
