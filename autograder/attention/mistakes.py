"""Catalogued misconceptions for the attention assignment, as (hint, wrong output) pairs.

Each `*_mistakes` function computes, on the trusted side, what a known wrong implementation
would return for the same inputs, so that a student's output can be recognised and named.
"""

import math

import torch


def _attend(
    q,
    k,
    v,
    mask=None,
    *,
    scale=None,
    softmax_dim=-1,
    fill=float("-inf"),
    invert=False,
    after_softmax=False,
    ignore_mask=False,
    out_scale=1.0,
):
    scale = math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q.double() @ k.double().transpose(-2, -1) / scale
    if mask is not None and not ignore_mask and not after_softmax:
        scores = scores.masked_fill(mask if invert else ~mask, fill)
    w = torch.softmax(scores, dim=softmax_dim)
    if mask is not None and after_softmax:
        w = w * mask
    return (w @ v.double()) * out_scale, w, scores


def sdpa_mistakes(q, k, v, mask=None, *, which: str = "output"):
    """(hint, wrong output or weights) for each catalogued scaled_dot_product_attention mistake."""
    d_k, d_v = q.shape[-1], v.shape[-1]
    i = 0 if which == "output" else 1
    cases = [
        (
            "the scores are not scaled: divide q k^T by sqrt(d_k) before the softmax",
            dict(scale=1.0),
        ),
        (
            "the scores are scaled by sqrt(d_v); the scale is sqrt(d_k), the size of queries and keys",
            dict(scale=math.sqrt(d_v)),
        ),
        ("the scores are divided by d_k; the scale is sqrt(d_k)", dict(scale=float(d_k))),
        (
            "attention weights do not sum to 1 over the keys: check the softmax dimension",
            dict(softmax_dim=-2),
        ),
        (
            "the output is off by a factor of sqrt(d_k): scale the scores inside the softmax, not the output",
            dict(scale=1.0, out_scale=1 / math.sqrt(d_k)),
        ),
    ]
    if mask is not None:
        cases += [
            (
                "the mask is inverted: True means the query may attend to that key",
                dict(invert=True),
            ),
            (
                "masked scores were set to 0, which still gets weight after the softmax: fill them with -inf",
                dict(fill=0.0),
            ),
            (
                "the mask is applied after the softmax, so the weights no longer sum to 1: mask the scores before it",
                dict(after_softmax=True),
            ),
            ("the mask is ignored: masked keys must get exactly 0 weight", dict(ignore_mask=True)),
        ]
    out = [(hint, _attend(q, k, v, mask, **kw)[i]) for hint, kw in cases]
    if which == "weights":
        out.append(
            (
                "the weights returned are the raw scores: return the softmax-normalised weights",
                _attend(q, k, v, mask)[2],
            )
        )
        out.append(
            (
                "the weights returned are the unscaled softmax: return the weights that were used for the output",
                _attend(q, k, v, mask, scale=1.0)[1],
            )
        )
    return out


def causal_mistakes(L: int):
    ones = torch.ones(L, L, dtype=torch.bool)
    return [  # the diagonal first: for L = 1, tril(-1) and triu(1) are the same all-False mask
        ("the diagonal is masked: a position may attend to itself", ones.tril(-1)),
        ("the mask is inverted: True marks the keys a query may attend to (j <= i)", ones.triu(1)),
        ("the mask is inverted: True marks the keys a query may attend to (j <= i)", ones.triu()),
    ]


def mha_mistakes(query, key, value, W_q, W_k, W_v, W_o, h, mask=None, *, which: str = "output"):
    """Wrong multi-head attention variants (computed in float64)."""
    q, k, v, Wq, Wk, Wv, Wo = (t.double() for t in (query, key, value, W_q, W_k, W_v, W_o))
    B, L_q, d = q.shape
    L_k = k.shape[-2]
    dh = d // h
    i = 0 if which == "output" else 1

    def run(split_ok=True, scale=None, out_proj=True, transpose_w=True):
        scale = math.sqrt(dh) if scale is None else scale
        P = (lambda x, W: x @ W.T) if transpose_w else (lambda x, W: x @ W)
        if split_ok:
            Q = P(q, Wq).reshape(B, L_q, h, dh).transpose(1, 2)
            K = P(k, Wk).reshape(B, L_k, h, dh).transpose(1, 2)
            V = P(v, Wv).reshape(B, L_k, h, dh).transpose(1, 2)
        else:  # reshape straight to (B, h, L, dh): mixes positions into heads
            Q, K, V = (
                P(q, Wq).reshape(B, h, L_q, dh),
                P(k, Wk).reshape(B, h, L_k, dh),
                P(v, Wv).reshape(B, h, L_k, dh),
            )
        m = None if mask is None else mask.unsqueeze(1)
        o, w, _ = _attend(Q, K, V, m, scale=scale)
        concat = o.transpose(1, 2).reshape(B, L_q, d) if split_ok else o.reshape(B, L_q, d)
        return (P(concat, Wo) if out_proj else concat), w

    return [
        (
            "the output projection W_o is missing: project the concatenated heads with W_o",
            run(out_proj=False)[i],
        ),
        (
            "each head scales by sqrt(d_head), where d_head = d_model / num_heads, not sqrt(d_model)",
            run(scale=math.sqrt(d))[i],
        ),
        (
            "the heads are split incorrectly: reshape to (..., L, num_heads, d_head), then move the head axis before L",
            run(split_ok=False)[i],
        ),
        (
            "the projections follow nn.Linear's convention: Q = query @ W_q.T",
            run(transpose_w=False)[i],
        ),
    ]


def pe_mistakes(L: int, d: int):
    pos = torch.arange(L, dtype=torch.float64).unsqueeze(1)
    two_i = torch.arange(0, d, 2, dtype=torch.float64)
    angle = pos / 10000 ** (two_i / d)
    swapped = torch.zeros(L, d, dtype=torch.float64)
    swapped[:, 0::2], swapped[:, 1::2] = torch.cos(angle), torch.sin(angle)
    halves = torch.cat([torch.sin(angle), torch.cos(angle)], dim=1)
    i_angle = pos / 10000 ** (
        torch.arange(d // 2, dtype=torch.float64) / d
    )  # exponent i/d instead of 2i/d
    wrong_freq = torch.zeros(L, d, dtype=torch.float64)
    wrong_freq[:, 0::2], wrong_freq[:, 1::2] = torch.sin(i_angle), torch.cos(i_angle)
    col_angle = pos / 10000 ** (
        torch.arange(d, dtype=torch.float64) / d
    )  # each column its own exponent
    per_col = torch.where(torch.arange(d) % 2 == 0, torch.sin(col_angle), torch.cos(col_angle))
    return [
        ("sin and cos are swapped: even columns (2i) use sin, odd columns (2i+1) use cos", swapped),
        (
            "sin and cos should be interleaved (even and odd columns), not placed in two halves",
            halves,
        ),
        (
            "the frequency exponent is 2i/d, where 2i is the even column of the pair, not i/d",
            wrong_freq,
        ),
        (
            "columns 2i and 2i+1 share one frequency, 1/10000^(2i/d): the odd column must not get its own exponent",
            per_col,
        ),
    ]
