"""Hidden tests for unroll, against a one-layer torch.nn.LSTM with copied weights."""

import torch

from dlnlp.testing import check, expect_close

from .inputs import call, grad, is_pair, sequence_inputs, torch_lstm
from .mistakes import unroll_mistakes


def compare(student, xs, h0, c0, W_ih, W_hh, b_ih, b_hh):
    out = call(student, "unroll", xs, (h0, c0), W_ih, W_hh, b_ih, b_hh)
    check(is_pair(out) and is_pair(out[1]), "unroll must return (outputs, (h_T, c_T))")
    outputs, (h_T, c_T) = out
    with torch.no_grad():
        exp, (exp_h, exp_c) = torch_lstm(W_ih, W_hh, b_ih, b_hh)(xs, (h0[None], c0[None]))
    args = (xs, h0, c0, W_ih, W_hh, b_ih, b_hh)
    expect_close(outputs, exp, what="outputs", mistakes=unroll_mistakes(*args))
    expect_close(h_T, exp_h[0], what="h_T", mistakes=unroll_mistakes(*args, which="h"))
    expect_close(c_T, exp_c[0], what="c_T", mistakes=unroll_mistakes(*args, which="c"))


def test_matches_torch_lstm(student):
    """matches a one-layer nn.LSTM: every output and the final state (T != N, I != H)"""
    compare(student, *sequence_inputs(T=6, N=3, I=5, H=4, seed=0))


def test_matches_torch_lstm_without_biases(student):
    """matches nn.LSTM(bias=False) when both biases are None"""
    xs, h0, c0, W_ih, W_hh, _, _ = sequence_inputs(T=4, N=2, I=3, H=5, bias=False, seed=1)
    compare(student, xs, h0, c0, W_ih, W_hh, None, None)


def test_single_step(student):
    """a sequence of length 1 is one step of the cell, with outputs of shape (1, N, H)"""
    compare(student, *sequence_inputs(T=1, N=4, I=2, H=3, seed=2))


def test_gradients_flow_through_time(student):
    """gradients of the outputs reach every input step and the weights as through nn.LSTM"""
    xs, h0, c0, W_ih, W_hh, b_ih, b_hh = sequence_inputs(T=5, N=2, I=3, H=4, seed=3)
    g = torch.randn(5, 2, 4, generator=torch.Generator().manual_seed(3))
    grads = grad(
        student,
        "unroll",
        xs,
        (h0, c0),
        W_ih,
        W_hh,
        b_ih,
        b_hh,
        wrt=[0, 2, 3],
        output_index=0,
        grad_output=g,
    )
    m = torch_lstm(W_ih, W_hh, b_ih, b_hh)
    xs_ = xs.clone().requires_grad_()
    exp = torch.autograd.grad(
        m(xs_, (h0[None], c0[None]))[0], [xs_, m.weight_ih_l0, m.weight_hh_l0], g
    )
    for name, got, e in zip(["xs", "weight_ih", "weight_hh"], grads, exp, strict=True):
        check(
            got is not None,
            f"no gradient reaches {name}: build the outputs from it with torch operations (no detach, no .numpy())",
        )
        if name == "xs":
            # each step's own gradient is right even when the state is cut between steps
            check(
                torch.allclose(got[:-1], e[:-1], atol=1e-4, rtol=1e-3)
                or not torch.allclose(got[-1], e[-1], atol=1e-4, rtol=1e-3),
                "gradients do not flow back through time: do not detach the state (h, c) between steps",
            )
        expect_close(got, e, what=f"the gradient with respect to {name}", atol=1e-4)
