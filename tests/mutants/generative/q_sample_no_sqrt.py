"""No square roots: the variances as coefficients.

target: q_sample
hint: the square roots of the variances
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, p_sample_step, sample_ddpm
"""


def q_sample(x0, t, alpha_bars, eps):
    abar = alpha_bars[t].reshape(-1, *([1] * (x0.dim() - 1)))
    return abar * x0 + (1 - abar) * eps
