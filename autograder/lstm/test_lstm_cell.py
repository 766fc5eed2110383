"""Hidden tests for lstm_cell, against torch.nn.LSTMCell with copied weights."""

import torch

from dlnlp.testing import check, expect_close

from .inputs import call, cell_inputs, grad, is_pair, torch_cell
from .mistakes import lstm_mistakes


def compare(student, x, h, c, W_ih, W_hh, b_ih, b_hh):
    out = call(student, "lstm_cell", x, (h, c), W_ih, W_hh, b_ih, b_hh)
    check(is_pair(out), "lstm_cell must return the tuple (h_next, c_next)")
    with torch.no_grad():
        exp_h, exp_c = torch_cell("lstm", W_ih, W_hh, b_ih, b_hh)(x, (h, c))
    args = (x, h, c, W_ih, W_hh, b_ih, b_hh)
    expect_close(out[1], exp_c, what="c_next", mistakes=lstm_mistakes(*args, which=1))
    expect_close(out[0], exp_h, what="h_next", mistakes=lstm_mistakes(*args, which=0))


def test_matches_torch_with_biases(student):
    """matches nn.LSTMCell on a batch, input size != hidden size, both biases"""
    compare(student, *cell_inputs(N=3, I=5, H=4, gates=4, seed=0))


def test_matches_torch_without_biases(student):
    """matches nn.LSTMCell(bias=False) when both biases are None"""
    compare(student, *cell_inputs(N=4, I=3, H=6, gates=4, seed=1, bias=False))


def test_one_bias_and_square_weights(student):
    """equal input and hidden sizes; only one of the two biases given"""
    x, h, c, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=2, I=4, H=4, gates=4, seed=2)
    compare(student, x, h, c, W_ih, W_hh, b_ih, b_hh)
    compare(student, x, h, c, W_ih, W_hh, b_ih, None)
    compare(student, x, h, c, W_ih, W_hh, None, b_hh)


def test_saturated_gates(student):
    """large pre-activations: a shut forget gate erases the memory, an open one keeps it"""
    x, h, c, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=3, I=2, H=3, gates=4, seed=4, scale=3.0)
    compare(student, x, h, c * 4, W_ih, W_hh, b_ih, b_hh)


def test_gradients_match_torch(student):
    """gradients of h_next and c_next reach x and every weight as through nn.LSTMCell"""
    x, h, c, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=3, I=2, H=4, gates=4, seed=3)
    m = torch_cell("lstm", W_ih, W_hh, b_ih, b_hh)
    params = [m.weight_ih, m.weight_hh, m.bias_ih, m.bias_hh]
    names = ["x", "weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for k, what in ((0, "h_next"), (1, "c_next")):
        g = torch.randn(3, 4, generator=torch.Generator().manual_seed(10 + k))
        grads = grad(
            student,
            "lstm_cell",
            x,
            (h, c),
            W_ih,
            W_hh,
            b_ih,
            b_hh,
            wrt=[0, 2, 3, 4, 5],
            output_index=k,
            grad_output=g,
        )
        x_ = x.clone().requires_grad_()
        exp = torch.autograd.grad(m(x_, (h, c))[k], [x_, *params], g)
        for name, got, e in zip(names, grads, exp, strict=True):
            check(
                got is not None,
                f"no gradient of {what} reaches {name}: compute it with torch operations (no detach, no .numpy())",
            )
            expect_close(got, e, what=f"the gradient of {what} with respect to {name}", atol=1e-4)
