"""The squared norm per row, then the mean over rows (a factor d too large).

target: ddpm_loss
hint: not the mean over rows of each row
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# q_sample: defined by the notebook


def ddpm_loss(model, x0, t, eps, alpha_bars):
    x_t = q_sample(x0, t, alpha_bars, eps)
    return ((model(x_t, t) - eps) ** 2).sum(-1).mean()
