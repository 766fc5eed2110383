"""Gives every column its own frequency 10000^(j/d) instead of sharing one per (2i, 2i+1) pair.

target: sinusoidal_positional_encoding
hint: share one frequency
unaffected: scaled_dot_product_attention, causal_mask, multi_head_attention
"""
import torch


def sinusoidal_positional_encoding(L, d):
    pos = torch.arange(L).unsqueeze(1).float()
    angle = pos / 10000 ** (torch.arange(d).float() / d)
    pe = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, 1::2])
    return pe
