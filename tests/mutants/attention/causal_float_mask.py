"""Returns a float 0/1 mask instead of a bool one.

target: causal_mask
hint: must be a bool tensor
unaffected: scaled_dot_product_attention, multi_head_attention, sinusoidal_positional_encoding
"""
import torch


def causal_mask(L):
    return torch.ones(L, L).tril()
