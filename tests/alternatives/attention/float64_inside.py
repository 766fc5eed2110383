"""Correct, computing in float64 inside and casting back to the input dtype."""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    dtype = q.dtype
    q, k, v = q.double(), k.double(), v.double()
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask.logical_not(), -math.inf)
    weights = torch.softmax(scores, dim=-1)
    return (weights @ v).to(dtype), weights.to(dtype)


def causal_mask(L):
    return torch.tril(torch.ones(L, L)).bool()


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    dtype = query.dtype
    *batch, L_q, d = query.shape
    dh = d // num_heads
    split = lambda x: x.double().unflatten(-1, (num_heads, dh)).movedim(-2, -3)  # noqa: E731
    Q, K, V = split(query @ W_q.T), split(key @ W_k.T), split(value @ W_v.T)
    m = None if mask is None else (mask.unsqueeze(-3) if mask.dim() >= 3 else mask)
    o, w = scaled_dot_product_attention(Q, K, V, m)
    return (o.movedim(-3, -2).reshape(*batch, L_q, d).to(dtype) @ W_o.T), w.to(dtype)


def sinusoidal_positional_encoding(L, d):
    pos = torch.arange(L, dtype=torch.float64)[:, None]
    div = torch.pow(10000.0, torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.empty(L, d, dtype=torch.float64)
    pe[:, ::2], pe[:, 1::2] = torch.sin(pos / div), torch.cos(pos / div)
    return pe.to(torch.float32)
