"""Handles any batch dims, but inserts the mask's head axis at dim 1 whatever the mask's shape:
a 2-D (L, L) causal mask becomes (L, 1, L), wrong when num_heads == L (a crash otherwise).

target: multi_head_attention
hint: lines its rows up with the heads
unaffected: scaled_dot_product_attention, causal_mask, sinusoidal_positional_encoding
"""
import torch


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    *batch, L_q, d_model = query.shape
    L_k = key.shape[-2]
    d_head = d_model // num_heads
    Q = (query @ W_q.T).reshape(*batch, L_q, num_heads, d_head).transpose(-3, -2)
    K = (key @ W_k.T).reshape(*batch, L_k, num_heads, d_head).transpose(-3, -2)
    V = (value @ W_v.T).reshape(*batch, L_k, num_heads, d_head).transpose(-3, -2)
    if mask is not None:
        mask = mask.unsqueeze(1)
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    return heads.transpose(-3, -2).reshape(*batch, L_q, d_model) @ W_o.T, weights
