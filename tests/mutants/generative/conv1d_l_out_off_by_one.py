"""Loops over output positions with L_out = (L + 2 padding - K) // stride, forgetting the + 1.

target: conv1d
hint: lacks its last position
unaffected: ConvAutoencoder, gan_train_step, train_gan, aae_losses, ddpm_schedule, q_sample, ddpm_loss, p_sample_step, train_ddpm, sample_ddpm
"""

import torch
import torch.nn.functional as F


def conv1d(x, weight, bias=None, stride=1, padding=0):
    C_out, _, K = weight.shape
    x_pad = F.pad(x, (padding, padding))
    L_out = (x_pad.shape[-1] - K) // stride  # the last window is left out
    cols = []
    for pos in range(L_out):
        window = x_pad[:, :, pos * stride : pos * stride + K]  # (N, C_in, K)
        cols.append(torch.einsum("nck,ock->no", window, weight))
    out = torch.stack(cols, dim=-1)
    return out if bias is None else out + bias[:, None]
