"""Correct, written differently: conv1d with an explicit loop over output positions in float64
(zeros concatenated at both ends), the autoencoder's Sequentials built from OrderedDicts with the
contract's names, and the adversarial losses by hand from F.logsigmoid."""

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn


def conv1d(x, weight, bias=None, stride=1, padding=0):
    N, C_in, L = x.shape
    C_out, _, K = weight.shape
    zeros = torch.zeros(N, C_in, padding, dtype=torch.float64)
    x_pad = torch.cat([zeros, x.double(), zeros], dim=-1)  # (N, C_in, L + 2 padding)
    w = weight.double()
    L_out = (L + 2 * padding - K) // stride + 1
    out = torch.empty(N, C_out, L_out, dtype=torch.float64)
    for pos in range(L_out):
        window = x_pad[:, :, pos * stride : pos * stride + K]  # (N, C_in, K)
        out[:, :, pos] = (window[:, None] * w[None]).sum(dim=(2, 3))  # (N, C_out)
    if bias is not None:
        out += bias.double().view(1, C_out, 1)
    return out.to(x.dtype)


class ConvAutoencoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            OrderedDict(
                [
                    ("0", nn.Conv1d(1, 8, kernel_size=5, stride=2, padding=2)),
                    ("1", nn.ReLU()),
                    ("2", nn.Conv1d(8, 16, kernel_size=5, stride=2, padding=2)),
                    ("3", nn.ReLU()),
                ]
            )
        )
        self.decoder = nn.Sequential(
            OrderedDict(
                [
                    ("0", nn.ConvTranspose1d(16, 8, kernel_size=4, stride=2, padding=1)),
                    ("1", nn.ReLU()),
                    ("2", nn.ConvTranspose1d(8, 1, kernel_size=4, stride=2, padding=1)),
                ]
            )
        )

    def forward(self, x):
        code = self.encoder(x)  # (N, 16, L / 4)
        return self.decoder(code)  # (N, 1, L)


def aae_losses(z_enc, z_prior, D):
    # BCE-with-logits(s, 1) = -log sigmoid(s); BCE-with-logits(s, 0) = -log sigmoid(-s)
    loss_d = -F.logsigmoid(D(z_prior)).mean() - F.logsigmoid(-D(z_enc.detach())).mean()
    loss_enc = -F.logsigmoid(D(z_enc)).mean()
    return loss_d, loss_enc
