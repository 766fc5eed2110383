"""Adds the padding zeros at the start only: the last window, where it reaches the end zeros, is lost.

target: conv1d
hint: lacks its last position
unaffected: ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0):
    K = weight.shape[-1]
    windows = F.pad(x, (padding, 0)).unfold(-1, K, stride)  # zeros before x only
    out = (windows.unsqueeze(1) * weight[None, :, :, None, :]).sum((2, 4))
    return out if bias is None else out + bias[:, None]
