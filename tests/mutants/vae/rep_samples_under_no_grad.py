"""Samples under torch.no_grad() when eps is None, cutting the graph.

target: reparameterize
hint: also when eps is None
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        with torch.no_grad():
            return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps
