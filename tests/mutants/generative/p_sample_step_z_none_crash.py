"""Noise added at every step: at t = 0, z = None raises.

target: p_sample_step
hint: at t = 0
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, train_ddpm
"""

import torch


def p_sample_step(model, x_t, t, betas, alphas, alpha_bars, z):
    t_batch = torch.full((x_t.shape[0],), t, dtype=torch.long)
    eps_hat = model(x_t, t_batch)
    mean = (x_t - betas[t] / (1 - alpha_bars[t]).sqrt() * eps_hat) / alphas[t].sqrt()
    return mean + betas[t].sqrt() * z
