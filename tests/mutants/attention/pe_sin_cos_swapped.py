"""Puts cos on the even columns and sin on the odd ones.

target: sinusoidal_positional_encoding
hint: sin and cos are swapped
unaffected: scaled_dot_product_attention, causal_mask, multi_head_attention
"""
import torch


def sinusoidal_positional_encoding(L, d):
    pos = torch.arange(L).unsqueeze(1).float()
    angle = pos / 10000 ** (torch.arange(0, d, 2).float() / d)
    pe = torch.zeros(L, d)
    pe[:, 0::2] = torch.cos(angle)
    pe[:, 1::2] = torch.sin(angle)
    return pe
