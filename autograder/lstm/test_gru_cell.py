"""Hidden tests for gru_cell, against torch.nn.GRUCell with copied weights."""

import torch

from dlnlp.testing import check, expect_close

from .inputs import call, cell_inputs, grad, torch_cell
from .mistakes import gru_mistakes


def compare(student, x, h, W_ih, W_hh, b_ih, b_hh):
    out = call(student, "gru_cell", x, h, W_ih, W_hh, b_ih, b_hh)
    with torch.no_grad():
        exp = torch_cell("gru", W_ih, W_hh, b_ih, b_hh)(x, h)
    expect_close(out, exp, what="h_next", mistakes=gru_mistakes(x, h, W_ih, W_hh, b_ih, b_hh))


def test_matches_torch_with_biases(student):
    """matches nn.GRUCell on a batch, input size != hidden size, both biases"""
    x, h, _, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=3, I=5, H=4, gates=3, seed=0, scale=0.8)
    compare(student, x, h, W_ih, W_hh, b_ih, b_hh)


def test_matches_torch_without_biases(student):
    """matches nn.GRUCell(bias=False) when both biases are None"""
    x, h, _, W_ih, W_hh, _, _ = cell_inputs(N=4, I=3, H=6, gates=3, seed=1, bias=False, scale=0.8)
    compare(student, x, h, W_ih, W_hh, None, None)


def test_one_bias_and_square_weights(student):
    """equal input and hidden sizes; only one of the two biases given"""
    x, h, _, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=2, I=4, H=4, gates=3, seed=2, scale=0.8)
    compare(student, x, h, W_ih, W_hh, b_ih, b_hh)
    compare(student, x, h, W_ih, W_hh, b_ih, None)
    compare(student, x, h, W_ih, W_hh, None, b_hh)


def test_gradients_match_torch(student):
    """gradients reach x, h, the weights and the biases as through nn.GRUCell"""
    x, h, _, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=3, I=2, H=4, gates=3, seed=3, scale=0.8)
    g = torch.randn(3, 4, generator=torch.Generator().manual_seed(3))
    grads = grad(
        student, "gru_cell", x, h, W_ih, W_hh, b_ih, b_hh, wrt=[0, 1, 2, 3, 4, 5], grad_output=g
    )
    m = torch_cell("gru", W_ih, W_hh, b_ih, b_hh)
    x_, h_ = x.clone().requires_grad_(), h.clone().requires_grad_()
    params = [m.weight_ih, m.weight_hh, m.bias_ih, m.bias_hh]
    exp = torch.autograd.grad(m(x_, h_), [x_, h_, *params], g)
    for name, got, e in zip(
        ["x", "h", "weight_ih", "weight_hh", "bias_ih", "bias_hh"], grads, exp, strict=True
    ):
        check(
            got is not None,
            f"no gradient reaches {name}: compute h_next from it with torch operations (no detach, no .numpy())",
        )
        expect_close(got, e, what=f"the gradient with respect to {name}", atol=1e-4)
