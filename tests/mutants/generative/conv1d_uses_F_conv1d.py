"""Calls F.conv1d, which conv1d bans.

target: conv1d
hint: torch.nn.functional.conv1d
unaffected: ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
hidden-only: banned API (torch.nn.functional.conv1d)
"""

import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0):
    return F.conv1d(x, weight, bias, stride=stride, padding=padding)
