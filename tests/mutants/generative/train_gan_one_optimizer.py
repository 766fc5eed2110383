"""One Adam over both networks, passed as opt_g and opt_d: D steps on the generator's loss too.

target: train_gan
hint: give each network its own Adam
unaffected: conv1d, ConvAutoencoder, gan_train_step, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

# ruff: noqa: F821
# gan_train_step: defined by the notebook
import torch


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    opt = torch.optim.Adam([*G.parameters(), *D.parameters()], lr=lr, betas=(0.5, 0.999))
    losses = []
    for _ in range(steps):
        real = data[torch.randint(len(data), (batch_size,), generator=generator)]
        z = torch.randn(batch_size, z_dim, generator=generator)
        losses.append(gan_train_step(G, D, opt, opt, real, z))
    return losses
