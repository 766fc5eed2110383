"""beta_1 and beta_T swapped: the betas fall.

target: ddpm_schedule
hint: rise from beta_1
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, q_sample, ddpm_loss, p_sample_step
"""

import torch


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = torch.linspace(beta_T, beta_1, T)
    alphas = 1 - betas
    return betas, alphas, torch.cumprod(alphas, dim=0)
