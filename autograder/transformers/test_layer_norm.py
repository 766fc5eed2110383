"""Hidden tests for layer_norm, against F.layer_norm in float64."""

from dlnlp.testing import expect_close

from . import torch_reference as ref
from .inputs import ln_params, rand
from .mistakes import layer_norm_mistakes


def test_matches_torch(student):
    """matches F.layer_norm over the last dim, with batch dims and a non-trivial gamma and beta"""
    x = rand(2, 3, 6, seed=0, scale=2.0, shift=0.5)
    gamma, beta = ln_params(6, seed=1)
    expect_close(
        student.layer_norm(x, gamma, beta),
        ref.layer_norm(x, gamma, beta),
        what="the layer norm",
        mistakes=layer_norm_mistakes(x, gamma, beta),
    )


def test_eps_inside_the_square_root(student):
    """uses eps inside the square root, on rows of small spread and a large eps"""
    x = rand(4, 5, seed=2, scale=0.3)
    gamma, beta = ln_params(5, seed=3)
    expect_close(
        student.layer_norm(x, gamma, beta, 0.05),
        ref.layer_norm(x, gamma, beta, 0.05),
        what="the layer norm with eps=0.05",
        mistakes=layer_norm_mistakes(x, gamma, beta, 0.05),
    )


def test_large_mean_small_spread(student):
    """stays accurate when the mean dwarfs the spread (float32: F.layer_norm itself is 1e-4 off)"""
    x = rand(4, 5, 16, seed=4, shift=1000.0)
    gamma, beta = ln_params(16, seed=5)
    # 1e-3: correct float32 implementations are 0.7-2.2e-4 off the float64 values here (F.layer_norm
    # 1.0e-4, the two-pass formula 2.2e-4); E[x^2] - E[x]^2 is 0.5 off
    expect_close(
        student.layer_norm(x, gamma, beta),
        ref.layer_norm(x, gamma, beta),
        what="the layer norm of inputs with a large mean",
        mistakes=layer_norm_mistakes(x, gamma, beta),
        atol=1e-3,
        rtol=0.0,
        hint=(
            "inaccurate when the mean is large compared with the spread: compute the variance as "
            "the mean of (x - mean)^2; E[x^2] - E[x]^2 cancels catastrophically in float32"
        ),
    )
