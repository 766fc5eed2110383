"""alphas = betas (the noise kept, not the signal).

target: ddpm_schedule
hint: alphas = 1 - betas
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, q_sample, ddpm_loss, p_sample_step
"""

import torch


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = torch.linspace(beta_1, beta_T, T)
    alphas = betas
    return betas, alphas, torch.cumprod(alphas, dim=0)
