"""Hidden tests for rnn_cell, against torch.nn.RNNCell (tanh) with copied weights."""

import torch

from dlnlp.testing import expect_close

from .inputs import call, cell_inputs, expect_cell_gradients, torch_cell
from .mistakes import rnn_mistakes


def expected(x, h, W_ih, W_hh, b_ih, b_hh):
    with torch.no_grad():
        return torch_cell("rnn", W_ih, W_hh, b_ih, b_hh)(x, h)


def compare(student, x, h, W_ih, W_hh, b_ih, b_hh):
    out = call(student, "rnn_cell", x, h, W_ih, W_hh, b_ih, b_hh)
    expect_close(
        out,
        expected(x, h, W_ih, W_hh, b_ih, b_hh),
        what="h_next",
        mistakes=rnn_mistakes(x, h, W_ih, W_hh, b_ih, b_hh),
    )


def test_matches_torch_with_biases(student):
    """matches nn.RNNCell on a batch, input size != hidden size, both biases"""
    x, h, _, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=3, I=5, H=4, seed=0, scale=0.6)
    compare(student, x, h, W_ih, W_hh, b_ih, b_hh)


def test_matches_torch_without_biases(student):
    """matches nn.RNNCell(bias=False) when both biases are None"""
    x, h, _, W_ih, W_hh, _, _ = cell_inputs(N=4, I=3, H=6, seed=1, bias=False, scale=0.6)
    compare(student, x, h, W_ih, W_hh, None, None)


def test_one_bias_and_square_weights(student):
    """equal input and hidden sizes; only one of the two biases given"""
    x, h, _, W_ih, W_hh, b_ih, b_hh = cell_inputs(N=2, I=5, H=5, seed=2, scale=0.6)
    compare(student, x, h, W_ih, W_hh, b_ih, b_hh)
    compare(student, x, h, W_ih, W_hh, b_ih, None)
    compare(student, x, h, W_ih, W_hh, None, b_hh)


def test_gradients_match_torch(student):
    """gradients reach x, h, the weights and the biases as through nn.RNNCell"""
    expect_cell_gradients(student, "rnn", scale=0.6)
