"""Scales every head by sqrt(d_model) instead of sqrt(d_head).

target: multi_head_attention
hint: sqrt(d_head)
unaffected: scaled_dot_product_attention, causal_mask, sinusoidal_positional_encoding
"""
import math

import torch


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    *batch, L_q, d_model = query.shape
    L_k = key.shape[-2]
    d_head = d_model // num_heads
    Q = (query @ W_q.T).reshape(*batch, L_q, num_heads, d_head).transpose(-3, -2)
    K = (key @ W_k.T).reshape(*batch, L_k, num_heads, d_head).transpose(-3, -2)
    V = (value @ W_v.T).reshape(*batch, L_k, num_heads, d_head).transpose(-3, -2)
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d_model)
    if mask is not None:
        scores = scores.masked_fill(~(mask.unsqueeze(-3) if mask.dim() >= 3 else mask), float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    heads = weights @ V
    return heads.transpose(-3, -2).reshape(*batch, L_q, d_model) @ W_o.T, weights
