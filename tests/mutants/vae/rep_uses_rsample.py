"""Samples with the banned torch.distributions.Normal(...).rsample().

target: reparameterize
hint: torch.distributions
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
hidden-only: banned API (torch.distributions)
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        return torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).rsample()
    return mu + torch.exp(0.5 * logvar) * eps
