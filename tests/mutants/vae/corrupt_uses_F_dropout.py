"""Calls F.dropout, which rescales the kept entries.

target: corrupt
hint: no 1 / (1 - p) rescaling
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch.nn.functional as F


def corrupt(x, drop_prob):
    return F.dropout(x, drop_prob, training=True)
