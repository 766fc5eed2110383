"""Steps plain SGD at lr instead of Adam.

target: train_gan
hint: mode collapse or mode dropping
unaffected: conv1d, ConvAutoencoder, gan_train_step, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step
"""

# ruff: noqa: F821
# gan_train_step: defined by the notebook
import torch


def train_gan(G, D, data, z_dim, steps, batch_size, lr, generator):
    opt_g = torch.optim.SGD(G.parameters(), lr=lr)
    opt_d = torch.optim.SGD(D.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        real = data[torch.randint(len(data), (batch_size,), generator=generator)]
        z = torch.randn(batch_size, z_dim, generator=generator)
        losses.append(gan_train_step(G, D, opt_g, opt_d, real, z))
    return losses
