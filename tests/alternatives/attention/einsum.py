"""Correct, written with einsum and -1e9 masking; multi-head attention does not reuse the SDPA."""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = torch.einsum("...qd,...kd->...qk", q, k) / math.sqrt(q.size(-1))
    if mask is not None:
        scores = torch.where(mask, scores, torch.full_like(scores, -1e9))
    weights = scores.softmax(dim=-1)
    return torch.einsum("...qk,...kv->...qv", weights, v), weights


def causal_mask(L):
    i = torch.arange(L)
    return i[None, :] <= i[:, None]


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    d_model = query.shape[-1]
    d_head = d_model // num_heads
    Q = torch.einsum("...ld,ed->...le", query, W_q).unflatten(-1, (num_heads, d_head))  # (..., L, h, dh)
    K = torch.einsum("...ld,ed->...le", key, W_k).unflatten(-1, (num_heads, d_head))
    V = torch.einsum("...ld,ed->...le", value, W_v).unflatten(-1, (num_heads, d_head))
    scores = torch.einsum("...qhd,...khd->...hqk", Q, K) / math.sqrt(d_head)
    if mask is not None:
        m = mask.unsqueeze(-3) if mask.dim() >= 3 else mask
        scores = scores.masked_fill(~m, float("-inf"))
    weights = scores.softmax(-1)
    heads = torch.einsum("...hqk,...khd->...qhd", weights, V).flatten(-2)
    return torch.einsum("...le,de->...ld", heads, W_o), weights


def sinusoidal_positional_encoding(L, d):
    freqs = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = torch.outer(torch.arange(L, dtype=torch.float32), freqs)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(-2)
