"""Hidden tests for l2_penalty, against autograd of lam * sum ||W||^2."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .compare import expect_close_list
from .inputs import matrices
from .mistakes import l2_mistakes


def _check_l2(student, weights, lam):
    out = student.l2_penalty(weights, lam)
    check(
        isinstance(out, (list, tuple)) and len(out) == 2,
        "l2_penalty must return a pair (penalty, grads)",
    )
    penalty, grads = out
    penalty = expect_tensor(penalty, "the penalty")
    check(penalty.dim() == 0, "the penalty must be a 0-dim tensor (a single number, not .item())")
    Ws = [W.clone().requires_grad_() for W in weights]
    exp = lam * sum((torch.linalg.matrix_norm(W) ** 2) for W in Ws)
    exp_grads = torch.autograd.grad(exp, Ws)
    expect_close(
        penalty,
        exp.detach(),
        what="the penalty",
        mistakes=l2_mistakes(weights, lam, which=0),
        atol=1e-9,
    )
    expect_close_list(
        grads, exp_grads, what="the list of gradients", mistakes=l2_mistakes(weights, lam, which=1)
    )


def test_matches_autograd(student):
    """penalty and gradients match autograd for non-square matrices"""
    _check_l2(student, matrices([(3, 5), (4, 3), (2, 4)], seed=0), 0.1)


def test_other_lambda(student):
    """works for a single square matrix and another lam"""
    _check_l2(student, matrices([(4, 4)], seed=1), 0.37)
    _check_l2(student, matrices([(2, 6), (6, 2)], seed=2, dtype=torch.float32), 2.0)
