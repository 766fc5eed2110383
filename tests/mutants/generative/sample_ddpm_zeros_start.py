"""The chain started from x_T = 0 instead of x_T ~ N(0, I).

target: sample_ddpm
hint: x_T must be drawn from N(0, I)
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm
"""

# ruff: noqa: F821
# ddpm_schedule, ddpm_loss, p_sample_step: defined by the notebook
import torch


def sample_ddpm(model, n, T, generator):
    betas, alphas, alpha_bars = ddpm_schedule(T)
    with torch.no_grad():
        x = torch.zeros(n, 2)
        for t in range(T - 1, -1, -1):
            z = torch.randn(n, 2, generator=generator) if t > 0 else None
            x = p_sample_step(model, x, t, betas, alphas, alpha_bars, z)
    return x
