"""betas in T steps of (beta_T - beta_1) / T from beta_1: they never reach beta_T.

target: ddpm_schedule
hint: both ends included
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, q_sample, ddpm_loss, p_sample_step
"""

import torch


def ddpm_schedule(T, beta_1=1e-4, beta_T=0.02):
    betas = beta_1 + (beta_T - beta_1) / T * torch.arange(T)
    alphas = 1 - betas
    return betas, alphas, torch.cumprod(alphas, dim=0)
