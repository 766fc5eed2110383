"""Hidden tests for chain_backward, against autograd through the same chain with torch's sigmoid."""

import torch

from dlnlp.testing import check

from .compare import expect_close_list
from .inputs import autograd_chain_grads, chain, run_chain
from .mistakes import backward_mistakes


def _check_backward(student, dims, N, seed, scale=1.0):
    x, W, b, g = chain(dims, N=N, seed=seed, scale=scale)
    with torch.no_grad():
        acts = run_chain(x, W, b)
    out = student.chain_backward(acts, W, g)
    check(
        isinstance(out, (list, tuple)) and len(out) == 2,
        "chain_backward must return a pair (grad_weights, grad_biases)",
    )
    gW, gb = out
    eW, eb = autograd_chain_grads(x, W, b, g)
    expect_close_list(
        gW,
        eW,
        what="grad_weights",
        mistakes=backward_mistakes(acts, W, g, which=0),
        dtype=torch.float64,
    )
    expect_close_list(
        gb,
        eb,
        what="grad_biases",
        mistakes=backward_mistakes(acts, W, g, which=1),
        dtype=torch.float64,
    )


def test_non_square_layers(student):
    """weight and bias gradients match autograd on non-square layers (depth 3, batch 4)"""
    _check_backward(student, (5, 3, 4, 2), N=4, seed=10)


def test_square_layers(student):
    """weight and bias gradients match autograd on square layers (depth 5)"""
    _check_backward(student, (4, 4, 4, 4, 4, 4), N=3, seed=11, scale=2.0)


def test_deep_chain_tiny_gradients(student):
    """a deep chain (depth 10): the tiny gradients of the first layers are right too"""
    _check_backward(student, (6, 5, 5, 4, 5, 6, 5, 5, 4, 5, 3), N=5, seed=12)


def test_wide_output_layer(student):
    """a chain that widens and narrows (depth 4, batch 6)"""
    _check_backward(student, (2, 7, 3, 8, 4), N=6, seed=13, scale=1.5)
