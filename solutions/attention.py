"""Reference solution for the `attention` assignment.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name; the
signature and docstring the student sees live in the notebook. Keep each function
self-contained (it may call other graded functions, never private helpers).
"""

import math

import torch


def scaled_dot_product_attention(q, k, v, mask=None):
    """Reference for the notebook contract: softmax(q k^T / sqrt(d_k)) v, masked keys get 0."""
    d_k = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)  # (..., L_q, L_k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # normalise over the keys
    return weights @ v, weights  # (..., L_q, d_v), (..., L_q, L_k)


def causal_mask(L):
    """Reference: (L, L) bool, True on and below the diagonal (query i sees keys j <= i)."""
    return torch.ones(L, L, dtype=torch.bool).tril()


def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    """Reference: project, split d_model into heads, attend per head, concatenate, project."""
    *batch, L_q, d_model = query.shape
    L_k = key.shape[-2]
    d_head = d_model // num_heads
    # (..., L, d_model) -> (..., h, L, d_head): head h owns columns h*d_head:(h+1)*d_head
    Q = (query @ W_q.T).reshape(*batch, L_q, num_heads, d_head).transpose(-3, -2)
    K = (key @ W_k.T).reshape(*batch, L_k, num_heads, d_head).transpose(-3, -2)
    V = (value @ W_v.T).reshape(*batch, L_k, num_heads, d_head).transpose(-3, -2)
    if mask is not None and mask.dim() >= 3:
        mask = mask.unsqueeze(-3)  # (..., 1, L_q, L_k): the same mask for every head
    heads, weights = scaled_dot_product_attention(Q, K, V, mask)  # (..., h, L_q, d_head)
    concat = heads.transpose(-3, -2).reshape(*batch, L_q, d_model)
    return concat @ W_o.T, weights


def sinusoidal_positional_encoding(L, d):
    """Reference: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same angle)."""
    pos = torch.arange(L, dtype=torch.float64).unsqueeze(1)  # (L, 1)
    two_i = torch.arange(0, d, 2, dtype=torch.float64)  # (d/2,)
    angle = pos / 10000 ** (two_i / d)  # (L, d/2)
    pe = torch.zeros(L, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle)
    return pe.float()
