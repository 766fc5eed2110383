"""Keeps one map per input channel: the channels are never summed, (N, C_out, C_in, L_out).

target: conv1d
hint: the input channels are not summed
unaffected: ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0):
    K = weight.shape[-1]
    windows = F.pad(x, (padding, padding)).unfold(-1, K, stride)  # (N, C_in, L_out, K)
    out = (windows.unsqueeze(1) * weight[None, :, :, None, :]).sum(-1)  # (N, C_out, C_in, L_out)
    return out if bias is None else out + bias[:, None, None]
