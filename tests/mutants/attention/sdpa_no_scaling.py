"""Forgets to scale the scores by sqrt(d_k).

target: scaled_dot_product_attention
hint: not scaled
unaffected: causal_mask, sinusoidal_positional_encoding
"""
import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights
