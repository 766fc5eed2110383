"""sigma_t^2 = the posterior variance beta_tilde_t (Ho et al.'s other choice), not beta_t.

target: p_sample_step
hint: sigma_t^2 = beta_t
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, train_ddpm
"""

import torch


def p_sample_step(model, x_t, t, betas, alphas, alpha_bars, z):
    t_batch = torch.full((x_t.shape[0],), t, dtype=torch.long)
    eps_hat = model(x_t, t_batch)
    mean = (x_t - betas[t] / (1 - alpha_bars[t]).sqrt() * eps_hat) / alphas[t].sqrt()
    if t == 0:
        return mean
    beta_tilde = (1 - alpha_bars[t - 1]) / (1 - alpha_bars[t]) * betas[t]
    return mean + beta_tilde.sqrt() * z
