"""Fills masked scores with 0 instead of -inf: masked keys still get weight.

target: scaled_dot_product_attention
hint: set to 0
unaffected: causal_mask, sinusoidal_positional_encoding
"""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, 0.0)
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights
