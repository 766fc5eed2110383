"""Minimises -log(1 - D(G(z))): the fakes get the fake label.

target: gan_generator_loss
hint: rewards the generator for being caught
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss
"""

import torch.nn.functional as F


def gan_generator_loss(d_fake_logits):
    return F.softplus(d_fake_logits).mean()
