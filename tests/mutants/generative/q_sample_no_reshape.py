"""alpha_bars[t] not reshaped: (N,) lines up with x0's last dimension.

target: q_sample
hint: reshape it to (N, 1, ..., 1)
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, p_sample_step, sample_ddpm
"""


def q_sample(x0, t, alpha_bars, eps):
    abar = alpha_bars[t]
    return abar.sqrt() * x0 + (1 - abar).sqrt() * eps
