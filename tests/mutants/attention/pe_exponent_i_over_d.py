"""Uses the pair index i in the exponent (10000^(i/d)) instead of 2i.

target: sinusoidal_positional_encoding
hint: exponent is 2i/d
unaffected: scaled_dot_product_attention, causal_mask, multi_head_attention
"""
import torch


def sinusoidal_positional_encoding(L, d):
    pos = torch.arange(L).unsqueeze(1).float()
    angle = pos / 10000 ** (torch.arange(d // 2).float() / d)
    pe = torch.zeros(L, d)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe
