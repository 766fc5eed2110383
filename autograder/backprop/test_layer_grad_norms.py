"""Hidden tests for layer_grad_norms, against autograd through chains with torch's activations."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import autograd_norms, chain
from .mistakes import norms_mistakes


def _check_norms(student, dims, N, seed, activation="sigmoid", residual=False, scale=1.0):
    x, W, b, g = chain(dims, N=N, seed=seed, scale=scale)
    got = expect_tensor(
        student.layer_grad_norms(x, W, b, g, activation=activation, residual=residual),
        "the tensor of norms",
    )
    L = len(W)
    check(
        tuple(got.shape) == (L,),
        "layer_grad_norms must return a 1-D tensor with one norm per layer, shape (L,)",
    )
    exp = autograd_norms(x, W, b, g, activation, residual)
    # relative comparison: the first layers of a deep sigmoid chain have tiny norms
    expect_close(
        got.double() / exp,
        torch.ones(L, dtype=torch.float64),
        what="the tensor of norms",
        mistakes=[(h, m / exp) for h, m in norms_mistakes(x, W, b, g, activation, residual)],
        atol=1e-6,
        rtol=0,
    )


def test_sigmoid_non_square(student):
    """sigmoid chain on non-square layers: ||dL/dW_l||_F matches autograd, first layer first"""
    _check_norms(student, (5, 3, 4, 2), N=4, seed=20)


def test_deep_sigmoid_chain(student):
    """deep sigmoid chain (depth 12): the vanishing norms of the first layers are right"""
    _check_norms(student, (8,) * 13, N=5, seed=21)


def test_relu_chain(student):
    """ReLU chain on non-square layers matches autograd"""
    _check_norms(student, (6, 4, 7, 5, 3), N=5, seed=22, activation="relu", scale=1.4)


def test_residual_chains(student):
    """residual chains a_l = a_{l-1} + act(z_l), sigmoid and ReLU, match autograd"""
    _check_norms(student, (5,) * 7, N=4, seed=23, residual=True)
    _check_norms(student, (5,) * 7, N=4, seed=24, activation="relu", residual=True)
