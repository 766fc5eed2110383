"""No opt.zero_grad(): each step's gradient is added to all the earlier ones.

target: train_ddpm
hint: zero_grad
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# ddpm_schedule, ddpm_loss, p_sample_step: defined by the notebook
import torch


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    _, _, alpha_bars = ddpm_schedule(T)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        x0 = data[torch.randint(len(data), (batch_size,), generator=generator)]
        t = torch.randint(T, (batch_size,), generator=generator)
        eps = torch.randn(x0.shape, generator=generator)
        loss = ddpm_loss(model, x0, t, eps, alpha_bars)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
