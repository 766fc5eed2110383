"""Uses the upper triangle: each query sees the future.

target: causal_mask
hint: the mask is inverted
unaffected: scaled_dot_product_attention, multi_head_attention, sinusoidal_positional_encoding
"""
import torch


def causal_mask(L):
    return torch.ones(L, L, dtype=torch.bool).triu()
