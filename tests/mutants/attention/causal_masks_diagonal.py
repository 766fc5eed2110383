"""Masks the diagonal: a position cannot attend to itself.

target: causal_mask
hint: the diagonal is masked
unaffected: scaled_dot_product_attention, multi_head_attention, sinusoidal_positional_encoding
"""
import torch


def causal_mask(L):
    return torch.ones(L, L, dtype=torch.bool).tril(-1)
