"""Pads by repeating the edge values instead of zeros.

target: conv1d
hint: the padding repeats the edge values
unaffected: ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0):
    K = weight.shape[-1]
    x_pad = F.pad(x, (padding, padding), mode="replicate") if padding else x
    windows = x_pad.unfold(-1, K, stride)
    out = (windows.unsqueeze(1) * weight[None, :, :, None, :]).sum((2, 4))
    return out if bias is None else out + bias[:, None]
