"""Hidden tests for tied_autoencoder: z = x @ W.T, x_hat = z @ W, for W of shape (k, D)."""

import torch

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close, expect_tensor

from .mistakes import tied_mistakes

SHAPES = "W is (k, D) in nn.Linear's (out, in) convention: the encoder is z = x @ W.T (N, k) and the decoder x_hat = z @ W (N, D)"


def inputs(N, D, k, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(N, D, generator=g), torch.randn(k, D, generator=g) / D**0.5


def call(student, x, W):
    try:
        out = student.tied_autoencoder(x, W)
    except StudentError as e:
        if e.verdict == "exception" and "shape" in e.message:
            raise Mistake(f"the matrix shapes do not fit: {SHAPES}") from None
        raise
    check(isinstance(out, (tuple, list)) and len(out) == 2, "return the pair (z, x_hat)")
    z, x_hat = (expect_tensor(t, what) for t, what in zip(out, ("z", "x_hat"), strict=True))
    return z, x_hat


def test_code_and_reconstruction(student):
    """z = x @ W.T and x_hat = z @ W for a (k, D) weight with k < D"""
    x, W = inputs(7, 5, 3, seed=20)
    z, x_hat = call(student, x, W)
    check(
        not (tuple(z.shape) == (7, 5) and tuple(x_hat.shape) == (7, 3)),
        "return (z, x_hat) in that order",
    )
    check(tuple(z.shape) == (7, 3), f"the code z must have shape (N, k): {SHAPES}")
    check(tuple(x_hat.shape) == (7, 5), f"the reconstruction must have shape (N, D): {SHAPES}")
    expect_close(z, x @ W.T, what="z", hint=f"the code is wrong: {SHAPES}")
    expect_close(x_hat, x @ W.T @ W, what="x_hat", hint=f"the reconstruction is wrong: {SHAPES}")


def test_square_weight(student):
    """transposes W correctly also when k = D (where a wrong transpose still runs)"""
    x, W = inputs(6, 4, 4, seed=21)
    z, x_hat = call(student, x, W)
    wrong = tied_mistakes(x, W)
    expect_close(z, x @ W.T, what="z", mistakes=[(h, zw) for h, (zw, _) in wrong])
    expect_close(x_hat, x @ W.T @ W, what="x_hat", mistakes=[(h, xw) for h, (_, xw) in wrong])


def test_gradient_reaches_W_through_both_halves(student):
    """the gradient of x_hat with respect to the tied W matches autograd (encoder and decoder)"""
    x, W = inputs(5, 6, 2, seed=22)
    g = torch.randn(5, 6, generator=torch.Generator().manual_seed(22))
    (got,) = student.grad("tied_autoencoder", x, W, wrt=[1], grad_output=g, output_index=1)
    check(
        got is not None, "no gradient reaches W: compute z and x_hat from W with torch operations"
    )
    W_ = W.clone().requires_grad_()
    (expected,) = torch.autograd.grad(x @ W_.T @ W_, [W_], g)
    expect_close(
        got,
        expected,
        what="the gradient with respect to W",
        hint="the gradient must flow through both uses of the tied W (encoder and decoder): do not detach either",
    )
