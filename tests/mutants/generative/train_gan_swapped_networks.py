"""Calls gan_train_step with G and D (and their optimizers) swapped.

target: train_gan
hint: mode collapse or mode dropping
unaffected: conv1d, ConvAutoencoder, gan_train_step, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

# ruff: noqa: F821
# gan_train_step: defined by the notebook
import torch


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    losses = []
    for _ in range(steps):
        real = data[torch.randint(len(data), (batch_size,), generator=generator)]
        z = torch.randn(batch_size, z_dim, generator=generator)
        losses.append(gan_train_step(D, G, opt_d, opt_g, real, z))
    return losses
