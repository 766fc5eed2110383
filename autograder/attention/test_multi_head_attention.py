"""Hidden tests for multi_head_attention, against torch.nn.MultiheadAttention with copied weights."""

import torch

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close

from .inputs import mha_inputs, random_mask
from .mistakes import HEAD_AXIS_AT_1, MASK_AXIS_AT_1, mha_mistakes


def torch_module(W_q, W_k, W_v, W_o, h):
    """torch's own module carrying our weights (no biases)."""
    m = torch.nn.MultiheadAttention(W_q.shape[0], h, bias=False, batch_first=True)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.cat([W_q, W_k, W_v]))
        m.out_proj.weight.copy_(W_o)
    return m


def torch_mha(x_q, x_k, x_v, W_q, W_k, W_v, W_o, h, mask=None):
    """(output, per-head weights) from nn.MultiheadAttention; its bool attn_mask means True = NOT allowed."""
    attn_mask = None if mask is None else (~mask).repeat_interleave(h, dim=0)  # (B*h, L_q, L_k)
    with torch.no_grad():
        return torch_module(W_q, W_k, W_v, W_o, h)(
            x_q, x_k, x_v, attn_mask=attn_mask, need_weights=True, average_attn_weights=False
        )


def test_matches_torch_module(student):
    """output and per-head weights match nn.MultiheadAttention"""
    args = mha_inputs()
    out, w = student.multi_head_attention(*args, 2)
    exp_out, exp_w = torch_mha(*args, 2)
    expect_close(out, exp_out, what="the output", mistakes=mha_mistakes(*args, 2))
    expect_close(w, exp_w, what="the weights", mistakes=mha_mistakes(*args, 2, which="weights"))


def test_mask_applies_to_every_head(student):
    """a (B, L_q, L_k) mask applies to every head"""
    args = mha_inputs(B=3, L_q=4, L_k=6, d_model=12, seed=1)
    mask = random_mask(3, 4, 6, seed=1)
    out, w = student.multi_head_attention(*args, 3, mask)
    exp_out, exp_w = torch_mha(*args, 3, mask)
    check(
        bool((w.expand(3, 3, 4, 6)[~mask.unsqueeze(1).expand(3, 3, 4, 6)] == 0).all()),
        "masked keys must get 0 weight in every head: give the mask a head axis, (B, 1, L_q, L_k)",
    )
    expect_close(out, exp_out, what="the masked output", mistakes=mha_mistakes(*args, 3, mask))
    expect_close(w, exp_w, what="the masked weights")


def test_one_head_is_plain_attention(student):
    """with one head it equals torch's module with one head"""
    args = mha_inputs(B=2, L_q=5, L_k=2, d_model=6, seed=2)
    out, _ = student.multi_head_attention(*args, 1)
    expect_close(out, torch_mha(*args, 1)[0], what="the output", mistakes=mha_mistakes(*args, 1))


def test_gradients_reach_every_projection(student):
    """gradients flow to W_q, W_k, W_v and W_o as through torch's module"""
    args = mha_inputs(seed=3)
    g = torch.randn(2, 3, 8, generator=torch.Generator().manual_seed(3))
    grads = student.grad(
        "multi_head_attention", *args, 2, wrt=[3, 4, 5, 6], output_index=0, grad_output=g
    )
    m = torch_module(*args[3:], 2)
    out, _ = m(*args[:3], need_weights=False)
    d_in, d_out = torch.autograd.grad(out, [m.in_proj_weight, m.out_proj.weight], g)
    for name, got, exp in zip(
        ["W_q", "W_k", "W_v", "W_o"], grads, [*d_in.chunk(3), d_out], strict=True
    ):
        check(
            got is not None,
            f"no gradient reaches {name}: compute the output from it with torch operations",
        )
        expect_close(got, exp, what=f"the gradient with respect to {name}", atol=1e-4)


def _call_or_name(student, args, plain, hint):
    """student.multi_head_attention(*args); when it raises but runs on `plain` (the same call in
    the shapes every implementation handles), the crash is the mistake `hint` names."""
    try:
        return student.multi_head_attention(*args)
    except StudentError as e:
        if e.verdict != "exception":
            raise
        student.multi_head_attention(*plain)  # crashes here too: a different bug, shown as is
        raise Mistake(hint) from None


def test_any_number_of_batch_dims(student):
    """(B1, B2, L, d_model) inputs, with and without a mask: each batch element as on its own"""
    x_q, x_k, x_v, *W = mha_inputs(B=6, L_q=3, L_k=5, d_model=8, seed=4)
    x4 = [x.unflatten(0, (2, 3)) for x in (x_q, x_k, x_v)]  # (2, 3, L, d_model)
    mask = random_mask(6, 3, 5, seed=4)
    # without a mask, a crash where 3-D inputs run is the head axis; with one, the mask's
    for m, plain, hint in (
        (None, (x_q, x_k, x_v, *W, 2), HEAD_AXIS_AT_1),
        (mask, (*x4, *W, 2), MASK_AXIS_AT_1),
    ):
        m4 = None if m is None else m.unflatten(0, (2, 3))
        args = (*x4, *W, 2, m4)
        out, w = _call_or_name(student, args, plain, hint)
        exp_out, exp_w = torch_mha(x_q, x_k, x_v, *W, 2, m)
        expect_close(
            out, exp_out.unflatten(0, (2, 3)), what="the output", mistakes=mha_mistakes(*args)
        )
        expect_close(
            w,
            exp_w.unflatten(0, (2, 3)),
            what="the weights",
            mistakes=mha_mistakes(*args, which="weights"),
        )


def test_causal_mask_without_batch_dims(student):
    """a 2-D (L, L) causal mask is shared by every batch element and head, also when num_heads == L"""
    for L, h, seed in ((4, 4, 5), (5, 2, 6)):  # with num_heads == L a head axis at dim 1 still runs
        args = mha_inputs(B=3, L_q=L, L_k=L, d_model=8, seed=seed)
        causal = torch.ones(L, L, dtype=torch.bool).tril()
        out, w = _call_or_name(student, (*args, h, causal), (*args, h), MASK_AXIS_AT_1)
        exp_out, exp_w = torch_mha(*args, h, causal.expand(3, L, L))
        expect_close(
            out, exp_out, what="the causally masked output", mistakes=mha_mistakes(*args, h, causal)
        )
        expect_close(
            w,
            exp_w,
            what="the causally masked weights",
            mistakes=mha_mistakes(*args, h, causal, which="weights"),
        )
        check(
            bool((w[..., ~causal] == 0).all()),
            "a query must give exactly 0 weight to later keys, in every head",
        )
