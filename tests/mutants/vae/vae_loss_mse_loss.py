"""Uses F.mse_loss (a mean over all entries) for the reconstruction.

target: vae_loss
hint: summed over the D features, not averaged
unaffected: reparameterize, kl_divergence, tied_autoencoder, train_linear_autoencoder, corrupt, gan_discriminator_loss, gan_generator_loss
"""

import torch
import torch.nn.functional as F


def vae_loss(x, x_hat, mu, logvar):
    kl = -0.5 * (1 + logvar - mu**2 - torch.exp(logvar)).sum(dim=-1)
    return F.mse_loss(x_hat, x) + kl.mean()
