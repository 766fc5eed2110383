"""alpha_bars shifted by one step: alpha_bars[0] = 1 (the product over s < t).

target: ddpm_schedule
hint: shifted by one step
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, q_sample, ddpm_loss, p_sample_step
"""

import torch


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = torch.linspace(beta_1, beta_T, T)
    alphas = 1 - betas
    alpha_bars = torch.cat([torch.ones(1), torch.cumprod(alphas, dim=0)[:-1]])
    return betas, alphas, alpha_bars
