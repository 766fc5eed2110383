"""Hidden tests for scaled_dot_product_attention, against torch's own SDPA."""

import math

import torch
import torch.nn.functional as F

from dlnlp.testing import check, expect_close

from .inputs import qkv, random_mask
from .mistakes import sdpa_mistakes


def reference_weights(q, k, mask=None):
    scores = q.double() @ k.double().transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def test_output_matches_torch(student):
    """output matches torch's attention on batched inputs (d_k != d_v, L_q != L_k)"""
    q, k, v = qkv(2, 3)
    out, _ = student.scaled_dot_product_attention(q, k, v)
    expect_close(
        out,
        F.scaled_dot_product_attention(q, k, v),
        what="the output",
        mistakes=sdpa_mistakes(q, k, v),
    )


def test_weights_are_softmax_of_scaled_scores(student):
    """weights are softmax(q k^T / sqrt(d_k)) over the keys"""
    q, k, v = qkv(3, L_q=5, L_k=3, d_k=6, d_v=2, seed=1)
    _, w = student.scaled_dot_product_attention(q, k, v)
    expect_close(
        w,
        reference_weights(q, k),
        what="the weights",
        mistakes=sdpa_mistakes(q, k, v, which="weights"),
    )


def test_rows_sum_to_one(student):
    """rows of the weights sum to 1 over the keys"""
    q, k, v = qkv(2, L_q=3, L_k=7, seed=2)
    _, w = student.scaled_dot_product_attention(q, k, v)
    expect_close(
        w.sum(-1),
        torch.ones(2, 3),
        what="the row sums of the weights",
        hint="attention weights do not sum to 1 over the keys: check the softmax dimension",
    )


def test_masked_keys_get_zero_weight(student):
    """masked keys get exactly zero weight and the output matches torch's masked attention"""
    q, k, v = qkv(2, 2, seed=3)
    mask = random_mask(2, 1, 4, 6, seed=3)  # broadcast over the second batch dim
    out, w = student.scaled_dot_product_attention(q, k, v, mask)
    wrong_w = sdpa_mistakes(q, k, v, mask, which="weights")
    expect_close(w, reference_weights(q, k, mask), what="the weights", mistakes=wrong_w)
    check(
        bool((w.expand(2, 2, 4, 6)[~mask.expand(2, 2, 4, 6)] == 0).all()),
        "masked keys must get exactly 0 weight",
    )
    expect_close(
        out,
        F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
        what="the masked output",
        mistakes=sdpa_mistakes(q, k, v, mask),
    )


def test_causal_mask_without_batch_dims(student):
    """works with a causal mask on unbatched (L, d) inputs"""
    q, k, v = qkv(L_q=5, L_k=5, seed=4)
    mask = torch.ones(5, 5, dtype=torch.bool).tril()
    out, w = student.scaled_dot_product_attention(q, k, v, mask)
    expect_close(
        w,
        reference_weights(q, k, mask),
        what="the weights",
        mistakes=sdpa_mistakes(q, k, v, mask, which="weights"),
    )
    expect_close(
        out,
        F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
        what="the output",
        mistakes=sdpa_mistakes(q, k, v, mask),
    )


def test_gradients_flow_to_q_k_v(student):
    """gradients flow back to q, k and v as through torch's attention"""
    q, k, v = qkv(2, L_q=3, L_k=4, seed=5)
    g = torch.randn(2, 3, 7, generator=torch.Generator().manual_seed(5))
    grads = student.grad(
        "scaled_dot_product_attention", q, k, v, wrt=[0, 1, 2], output_index=0, grad_output=g
    )
    q_, k_, v_ = (t.clone().requires_grad_() for t in (q, k, v))
    expected = torch.autograd.grad(F.scaled_dot_product_attention(q_, k_, v_), (q_, k_, v_), g)
    for name, got, exp in zip("qkv", grads, expected, strict=True):
        check(
            got is not None,
            f"no gradient reaches {name}: the output must be computed from {name} with torch operations (no detach, no .numpy())",
        )
        expect_close(got, exp, what=f"the gradient with respect to {name}", atol=1e-4)
