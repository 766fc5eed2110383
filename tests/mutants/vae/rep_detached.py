"""Detaches mu and logvar, so no gradient reaches the encoder.

target: reparameterize
hint: no gradient reaches
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn_like(mu)
    return mu.detach() + torch.exp(0.5 * logvar.detach()) * eps
