"""Right values, but the output goes through numpy: no gradient reaches the weights or inputs.

target: multi_head_attention
hint: no gradient reaches
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
    if mask is not None and mask.dim() >= 3:
        mask = mask.unsqueeze(-3)
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)
    out = heads.transpose(-3, -2).reshape(*batch, L_q, d_model) @ W_o.T
    return torch.from_numpy(out.detach().numpy()), weights
