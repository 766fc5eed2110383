"""The model fed the clean x0 instead of x_t.

target: ddpm_loss
hint: not the clean x0
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# q_sample: defined by the notebook


def ddpm_loss(model, x0, t, eps, alpha_bars):
    return ((model(x0, t) - eps) ** 2).mean()
