"""Gives the real samples label 0 and the fakes label 1.

target: gan_discriminator_loss
hint: the labels are swapped
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_generator_loss
"""

import torch.nn.functional as F


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    return F.softplus(d_real_logits).mean() + F.softplus(-d_fake_logits).mean()
