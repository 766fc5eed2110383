"""Runs one epoch of minibatches (len(data) // batch_size steps) instead of `steps` steps.

target: train_gan
hint: pairs (loss_d, loss_g)
unaffected: conv1d, ConvAutoencoder, gan_train_step, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

# ruff: noqa: F821
# gan_train_step: defined by the notebook
import torch


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    losses = []
    for _ in range(len(data) // batch_size):
        real = data[torch.randint(len(data), (batch_size,), generator=generator)]
        z = torch.randn(batch_size, z_dim, generator=generator)
        losses.append(gan_train_step(G, D, opt_g, opt_d, real, z))
    return losses
