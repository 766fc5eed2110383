"""The loss written out by hand on model(x0, t): x0 is never noised into x_t, so the model learns to predict noise it cannot see.

target: train_ddpm
hint: do not look like the moons
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# ddpm_schedule, ddpm_loss, p_sample_step: defined by the notebook
import torch


def train_ddpm(model, data, T, steps, batch_size, lr, generator):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        x0 = data[torch.randint(len(data), (batch_size,), generator=generator)]
        t = torch.randint(T, (batch_size,), generator=generator)
        eps = torch.randn(x0.shape, generator=generator)
        loss = ((model(x0, t) - eps) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
