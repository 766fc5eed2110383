"""Hidden tests for sgd_step, against the formula and torch.optim.SGD with weight decay 2 lam."""

import torch

from .compare import expect_close_list
from .inputs import matrices
from .mistakes import sgd_mistakes


def test_matches_formula(student):
    """one step equals W - eta (G + 2 lam W) for every layer"""
    Ws = matrices([(3, 5), (4, 3), (2, 4)], seed=0)
    Gs = matrices([(3, 5), (4, 3), (2, 4)], seed=1)
    eta, lam = 0.3, 0.05
    got = student.sgd_step(Ws, Gs, eta, lam)
    exp = [W - eta * (G + 2 * lam * W) for W, G in zip(Ws, Gs, strict=True)]
    expect_close_list(
        got, exp, what="the list of new weights", mistakes=sgd_mistakes(Ws, Gs, eta, lam)
    )


def test_matches_torch_sgd(student):
    """matches one step of torch.optim.SGD with weight_decay = 2 lam"""
    Ws = matrices([(4, 4), (2, 4)], seed=2, dtype=torch.float32)
    Gs = matrices([(4, 4), (2, 4)], seed=3, dtype=torch.float32)
    eta, lam = 0.1, 0.2
    got = student.sgd_step(Ws, Gs, eta, lam)
    params = [torch.nn.Parameter(W.clone()) for W in Ws]
    for p, G in zip(params, Gs, strict=True):
        p.grad = G.clone()
    torch.optim.SGD(params, lr=eta, weight_decay=2 * lam).step()
    expect_close_list(
        got,
        [p.detach() for p in params],
        what="the list of new weights",
        mistakes=sgd_mistakes(Ws, Gs, eta, lam),
        rtol=1e-5,
    )
