"""Concatenates all sines then all cosines instead of interleaving them.

target: sinusoidal_positional_encoding
hint: interleaved
unaffected: scaled_dot_product_attention, causal_mask, multi_head_attention
"""
import torch


def sinusoidal_positional_encoding(L, d):
    pos = torch.arange(L).unsqueeze(1).float()
    angle = pos / 10000 ** (torch.arange(0, d, 2).float() / d)
    return torch.cat([torch.sin(angle), torch.cos(angle)], dim=1)
