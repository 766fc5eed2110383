"""The right value, computed under torch.no_grad(): nothing to backpropagate.

target: ddpm_loss
hint: stay in the autograd graph
unaffected: conv1d, ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, p_sample_step, sample_ddpm
"""

# ruff: noqa: F821
# q_sample: defined by the notebook
import torch


def ddpm_loss(model, x0, t, eps, alpha_bars):
    with torch.no_grad():
        x_t = q_sample(x0, t, alpha_bars, eps)
        return ((model(x_t, t) - eps) ** 2).mean()
