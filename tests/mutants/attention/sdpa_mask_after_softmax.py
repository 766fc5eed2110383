"""Zeroes masked weights after the softmax, so rows no longer sum to 1.

target: scaled_dot_product_attention
hint: applied after the softmax
unaffected: causal_mask, sinusoidal_positional_encoding
"""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights @ v, weights
