"""The same minibatch, the first batch_size rows, at every step: the model learns only those points.

target: train_ddpm
hint: do not look like the moons
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# ddpm_schedule, ddpm_loss, p_sample_step: defined by the notebook
import torch


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    _, _, alpha_bars = ddpm_schedule(T)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    x0 = data[:batch_size]
    for _ in range(steps):
        t = torch.randint(T, (batch_size,), generator=generator)
        eps = torch.randn(x0.shape, generator=generator)
        loss = ddpm_loss(model, x0, t, eps, alpha_bars)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
