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


# The two halves of a 3-D-only habit, `transpose(1, 2)` and `mask.unsqueeze(1)`: right for
# (B, L, d_model) inputs and (B, L_q, L_k) masks, wrong for the other shapes the contract allows.
HEAD_AXIS_AT_1 = (
    "multi_head_attention must work with any number of leading batch dims: take "
    "*batch, L, d_model = query.shape and move the head axis to dim -3, just before L "
    "(transpose(-3, -2)), not to dim 1"
)
MASK_AXIS_AT_1 = (
    "the mask's head axis goes at dim -3, just before L_q (unsqueeze(-3)), not at dim 1: "
    "unsqueeze(1) turns a 2-D (L, L) causal mask into (L, 1, L), which lines its rows up with "
    "the heads (a 2-D mask broadcasts over the batch and the heads as it is)"
)


def mha_mistakes(query, key, value, W_q, W_k, W_v, W_o, h, mask=None, *, which: str = "output"):
    """Wrong multi-head attention variants (computed in float64), for any leading batch dims.

    A variant that cannot run on these shapes (it would crash) is left out."""
    q, k, v, Wq, Wk, Wv, Wo = (t.double() for t in (query, key, value, W_q, W_k, W_v, W_o))
    *batch, L_q, d = q.shape
    L_k = k.shape[-2]
    dh = d // h
    i = 0 if which == "output" else 1

    def run(
        split_ok=True, scale=None, out_proj=True, transpose_w=True, swap_at_1=False, mask_at_1=False
    ):
        scale = math.sqrt(dh) if scale is None else scale
        P = (lambda x, W: x @ W.T) if transpose_w else (lambda x, W: x @ W)
        swap = (1, 2) if swap_at_1 else (-3, -2)
        if split_ok:  # (..., L, d) -> (..., L, h, dh) -> (..., h, L, dh)
            Q, K, V = (
                P(x, W).reshape(*batch, L, h, dh).transpose(*swap)
                for x, W, L in ((q, Wq, L_q), (k, Wk, L_k), (v, Wv, L_k))
            )
        else:  # reshape straight to (..., h, L, dh): mixes positions into heads
            Q, K, V = (
                P(x, W).reshape(*batch, h, L, dh)
                for x, W, L in ((q, Wq, L_q), (k, Wk, L_k), (v, Wv, L_k))
            )
        m = mask
        if m is not None and (mask_at_1 or m.dim() >= 3):
            m = m.unsqueeze(1 if mask_at_1 else -3)
        o, w, _ = _attend(Q, K, V, m, scale=scale)
        concat = o.transpose(*swap) if split_ok else o
        concat = concat.reshape(*batch, L_q, d)
        return (P(concat, Wo) if out_proj else concat), w

    cases = [
        (
            "the output projection W_o is missing: project the concatenated heads with W_o",
            dict(out_proj=False),
        ),
        (
            "each head scales by sqrt(d_head), where d_head = d_model / num_heads, not sqrt(d_model)",
            dict(scale=math.sqrt(d)),
        ),
        (
            "the heads are split incorrectly: reshape to (..., L, num_heads, d_head), then move the head axis before L",
            dict(split_ok=False),
        ),
        (
            "the projections follow nn.Linear's convention: Q = query @ W_q.T",
            dict(transpose_w=False),
        ),
    ]
    if len(batch) != 1:  # with one batch dim, dim 1 is dim -3
        cases.append((HEAD_AXIS_AT_1, dict(swap_at_1=True, mask_at_1=mask is not None)))
    if mask is not None and mask.dim() < 3:
        cases.append((MASK_AXIS_AT_1, dict(mask_at_1=True)))
    out = []
    for hint, kw in cases:
        try:
            out.append((hint, run(**kw)[i]))
        except RuntimeError:  # shapes this mistake cannot broadcast: it crashes, never matches
            continue
    return out


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
