"""Uses eps = 0 when no noise is given.

target: reparameterize
hint: no noise
unaffected: kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""

import torch


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.zeros_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps
