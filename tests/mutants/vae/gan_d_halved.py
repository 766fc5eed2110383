"""Averages the real and fake terms instead of adding them.

target: gan_discriminator_loss
hint: added, not averaged
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_generator_loss
"""

import torch
import torch.nn.functional as F


def gan_discriminator_loss(d_real_logits, d_fake_logits):
    return 0.5 * (
        F.binary_cross_entropy_with_logits(d_real_logits, torch.ones_like(d_real_logits))
        + F.binary_cross_entropy_with_logits(d_fake_logits, torch.zeros_like(d_fake_logits))
    )
