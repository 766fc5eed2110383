"""Scales the output by 1/sqrt(d_k) instead of the scores.

target: scaled_dot_product_attention
hint: off by a factor of sqrt(d_k)
unaffected: causal_mask, sinusoidal_positional_encoding
"""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v / math.sqrt(q.shape[-1]), weights
