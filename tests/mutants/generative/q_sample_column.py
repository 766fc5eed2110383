"""alpha_bars[t] as a column (N, 1): right for (N, d) points, wrong for (N, C, L).

target: q_sample
hint: reshape it to (N, 1, ..., 1)
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, p_sample_step, sample_ddpm
"""


def q_sample(x0, t, alpha_bars, eps):
    abar = alpha_bars[t][:, None]
    return abar.sqrt() * x0 + (1 - abar).sqrt() * eps
