"""Hidden tests for grad_reverse: the identity forward, -lam * grad backward (autograd in the
worker, through student.grad)."""

import torch

from dlnlp.testing import check, expect_close

from .inputs import rand

HINT_FORWARD_NEGATED = (
    "the forward pass negates x: it must return x unchanged (only the gradient is reversed)"
)


def test_forward_is_the_identity(student):
    """returns x unchanged, any shape"""
    for seed, shape in ((0, (4,)), (1, (2, 3, 5))):
        x = rand(*shape, seed=seed)
        out = student.grad_reverse(x, 0.7)
        expect_close(
            out,
            x,
            what="grad_reverse's output",
            mistakes=[
                (HINT_FORWARD_NEGATED, -x),
                ("the forward pass scales x by lam: it must return x unchanged", 0.7 * x),
                ("the forward pass scales x by -lam: it must return x unchanged", -0.7 * x),
            ],
            atol=0.0,
            rtol=0.0,
        )


def test_backward_is_minus_lam_times_grad(student):
    """the gradient with respect to x is -lam times the gradient at the output (lam 0.5, 2, 0)"""
    x = rand(3, 4, seed=2)
    g = rand(3, 4, seed=3)
    for lam in (0.5, 2.0, 0.0):
        (got,) = student.grad("grad_reverse", x, lam, wrt=[0], grad_output=g)
        check(isinstance(got, torch.Tensor), "no gradient reached x: the output must depend on x")
        expect_close(
            got,
            -lam * g,
            what=f"the gradient through grad_reverse (lam={lam})",
            mistakes=[
                ("the gradient is not reversed: backward must return -lam * grad", lam * g),
                ("the gradient passes unchanged: backward must return -lam * grad", g),
                ("the gradient is negated but not scaled by lam: return -lam * grad", -g),
            ]
            if lam != 0
            else [("with lam = 0 no gradient may pass: backward returns -lam * grad", g)],
            atol=1e-6,
        )
