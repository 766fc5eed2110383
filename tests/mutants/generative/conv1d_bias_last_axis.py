"""Adds the bias along the length (broadcast on the last axis): runs only when L_out == C_out.

target: conv1d
hint: the bias is added along the wrong axis
unaffected: ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0):
    K = weight.shape[-1]
    windows = F.pad(x, (padding, padding)).unfold(-1, K, stride)  # (N, C_in, L_out, K)
    out = (windows.unsqueeze(1) * weight[None, :, :, None, :]).sum((2, 4))
    return out if bias is None else out + bias  # broadcasts along L_out
