"""Hidden tests for chain_forward, against the same chain run with torch's own sigmoid."""

import torch

from dlnlp.testing import check

from .compare import expect_close_list
from .inputs import chain, run_chain
from .mistakes import forward_mistakes

MISSING_A0 = "the list must start with a_0 = x: it holds L + 1 activations [a_0, a_1, ..., a_L]"


def _check_forward(student, x, weights, biases, dtype):
    acts = student.chain_forward(x, weights, biases)
    L = len(weights)
    check(
        isinstance(acts, (list, tuple)) and all(isinstance(a, torch.Tensor) for a in acts),
        "chain_forward must return a list of tensors [a_0, a_1, ..., a_L]",
    )
    check(len(acts) != L, MISSING_A0)
    check(len(acts) == L + 1, "chain_forward must return L + 1 activations [a_0, a_1, ..., a_L]")
    check(
        acts[0].shape == x.shape and torch.equal(acts[0].to(x.dtype), x),
        "the first entry must be a_0 = x itself, unchanged",
    )
    with torch.no_grad():
        expected = run_chain(x, weights, biases)
    expect_close_list(
        acts,
        expected,
        what="the list of activations",
        mistakes=forward_mistakes(x, weights, biases),
        rtol=1e-10 if dtype == torch.float64 else 1e-5,
        dtype=dtype,
    )


def test_non_square_layers(student):
    """returns [a_0 = x, a_1, ..., a_L] for non-square layers (depth 3, batch 4)"""
    x, W, b, _ = chain((5, 3, 4, 2), N=4, seed=0)
    _check_forward(student, x, W, b, torch.float64)


def test_square_layers(student):
    """matches torch's sigmoid chain on square layers (depth 5)"""
    x, W, b, _ = chain((4, 4, 4, 4, 4, 4), N=3, seed=1, scale=2.0)
    _check_forward(student, x, W, b, torch.float64)


def test_float32_single_sample(student):
    """works in float32 and with a batch of one"""
    x, W, b, _ = chain((6, 2, 7, 3), N=1, seed=2, dtype=torch.float32)
    _check_forward(student, x, W, b, torch.float32)
