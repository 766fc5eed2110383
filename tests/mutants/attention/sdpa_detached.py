"""Computes through numpy, cutting the autograd graph.

target: scaled_dot_product_attention
hint: no gradient reaches
unaffected: causal_mask, sinusoidal_positional_encoding
"""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.from_numpy(torch.softmax(scores, dim=-1).detach().numpy())
    return weights @ v.detach(), weights
