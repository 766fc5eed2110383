"""Correct, written with explicit Python loops over queries, keys and heads."""
import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    L_q, L_k = q.shape[-2], k.shape[-2]
    batch = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    if mask is not None:
        mask = mask.expand(*batch, L_q, L_k)
    q, k, v = q.expand(*batch, *q.shape[-2:]), k.expand(*batch, *k.shape[-2:]), v.expand(*batch, *v.shape[-2:])
    rows_w, rows_o = [], []
    for i in range(L_q):
        scores = []
        for j in range(L_k):
            s = (q[..., i, :] * k[..., j, :]).sum(-1) / math.sqrt(q.shape[-1])
            if mask is not None:
                s = torch.where(mask[..., i, j], s, torch.full_like(s, float("-inf")))
            scores.append(s)
        w = torch.softmax(torch.stack(scores, dim=-1), dim=-1)
        rows_w.append(w)
        rows_o.append(sum(w[..., j : j + 1] * v[..., j, :] for j in range(L_k)))
    return torch.stack(rows_o, dim=-2), torch.stack(rows_w, dim=-2)


def causal_mask(L):
    m = torch.zeros(L, L, dtype=torch.bool)
    for i in range(L):
        for j in range(i + 1):
            m[i, j] = True
    return m


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    d_head = query.shape[-1] // num_heads
    outs, ws = [], []
    for h in range(num_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        o, w = scaled_dot_product_attention(query @ W_q[cols].T, key @ W_k[cols].T, value @ W_v[cols].T, mask)
        outs.append(o)
        ws.append(w)
    return torch.cat(outs, dim=-1) @ W_o.T, torch.stack(ws, dim=-3)


def sinusoidal_positional_encoding(L, d):
    pe = torch.zeros(L, d)
    for pos in range(L):
        for i in range(0, d, 2):
            pe[pos, i] = math.sin(pos / 10000 ** (i / d))
            pe[pos, i + 1] = math.cos(pos / 10000 ** (i / d))
    return pe
