"""t + 1 passed, as if the model's steps were 1-based.

target: ddpm_loss
hint: not t + 1
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# q_sample: defined by the notebook


def ddpm_loss(model, x0, t, eps, alpha_bars):
    x_t = q_sample(x0, t, alpha_bars, eps)
    return ((model(x_t, t + 1) - eps) ** 2).mean()
