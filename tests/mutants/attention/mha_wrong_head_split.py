"""Reshapes straight to (B, h, L, d_head), mixing positions across heads.

target: multi_head_attention
hint: heads are split incorrectly
unaffected: scaled_dot_product_attention, causal_mask, sinusoidal_positional_encoding
"""
import torch


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    B, L_q, d_model = query.shape
    L_k = key.shape[-2]
    d_head = d_model // num_heads
    Q = (query @ W_q.T).reshape(B, num_heads, L_q, d_head)
    K = (key @ W_k.T).reshape(B, num_heads, L_k, d_head)
    V = (value @ W_v.T).reshape(B, num_heads, L_k, d_head)
    if mask is not None and mask.dim() >= 3:
        mask = mask.unsqueeze(-3)
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    return heads.reshape(B, L_q, d_model) @ W_o.T, weights
