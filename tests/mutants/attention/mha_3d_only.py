"""Assumes (B, L, d_model) inputs: unpacks three dims, moves the head axis to dim 1 with
transpose(1, 2) and always inserts the mask's head axis at dim 1. It crashes on (B1, B2, L,
d_model) inputs, and a 2-D (L, L) causal mask lines up with the heads when num_heads == L.

target: multi_head_attention
hint: any number of leading batch dims
unaffected: scaled_dot_product_attention, causal_mask, sinusoidal_positional_encoding
"""
import torch


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    B, L_q, d_model = query.shape
    L_k = key.shape[1]
    d_head = d_model // num_heads
    Q = (query @ W_q.T).view(B, L_q, num_heads, d_head).transpose(1, 2)
    K = (key @ W_k.T).view(B, L_k, num_heads, d_head).transpose(1, 2)
    V = (value @ W_v.T).view(B, L_k, num_heads, d_head).transpose(1, 2)
    if mask is not None:
        mask = mask.unsqueeze(1)  # (B, 1, L_q, L_k)
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    return heads.transpose(1, 2).reshape(B, L_q, d_model) @ W_o.T, weights
