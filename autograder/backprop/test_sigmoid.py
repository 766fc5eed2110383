"""Hidden tests for sigmoid, against torch's own logistic function."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .mistakes import sigmoid_mistakes

FLOATS = (torch.float32, torch.float64)
LARGE = [-1000.0, -200.0, -90.0, -30.0, 0.0, 30.0, 90.0, 200.0, 1000.0]
OVERFLOW = (
    "sigmoid overflows for large |z| (nan or inf): e^{z} or e^{-z} overflows; "
    "compute it from e^{-|z|}, which is at most 1"
)


def test_matches_logistic(student):
    """matches 1 / (1 + e^{-z}) on float32 and float64 inputs, keeping shape and dtype"""
    g = torch.Generator().manual_seed(0)
    for dtype in FLOATS:
        z = 4 * torch.randn(3, 4, 5, generator=g, dtype=dtype)
        s = expect_tensor(student.sigmoid(z), "sigmoid(z)")
        check(tuple(s.shape) == tuple(z.shape), "sigmoid(z) must have the shape of z (elementwise)")
        check(s.dtype == dtype, f"sigmoid(z) must keep z's dtype ({dtype}), not return {s.dtype}")
        expect_close(
            s, torch.sigmoid(z), what="sigmoid(z)", mistakes=sigmoid_mistakes(z), atol=1e-6
        )


def test_no_overflow_for_large_inputs(student):
    """is numerically stable: no overflow, inf or nan for z = -1000 ... 1000 (float32 and float64)"""
    for dtype in FLOATS:
        z = torch.as_tensor(LARGE, dtype=dtype)
        s = expect_tensor(student.sigmoid(z), "sigmoid(z)")
        check(tuple(s.shape) == tuple(z.shape), "sigmoid(z) must have the shape of z (elementwise)")
        check(s.is_floating_point() and bool(torch.isfinite(s).all()), OVERFLOW)
        check(bool(((s >= 0) & (s <= 1)).all()), "sigmoid(z) must lie in [0, 1]")
        expect_close(
            s,
            torch.sigmoid(z),
            what="sigmoid(z) for large |z|",
            mistakes=sigmoid_mistakes(z),
            atol=1e-6,
        )


def test_scalars_and_symmetry(student):
    """works on 0-dim tensors and satisfies sigma(-z) = 1 - sigma(z)"""
    s0 = expect_tensor(student.sigmoid(torch.tensor(0.0, dtype=torch.float64)), "sigmoid(z)")
    check(s0.dim() == 0, "sigmoid of a 0-dim tensor must be a 0-dim tensor")
    expect_close(s0, torch.tensor(0.5), what="sigmoid(0)")
    z = torch.linspace(-12, 12, 25, dtype=torch.float64)
    s_pos, s_neg = student.sigmoid(z), student.sigmoid(-z)
    expect_close(
        s_pos, torch.sigmoid(z), what="sigmoid(z)", mistakes=sigmoid_mistakes(z), atol=1e-9
    )
    expect_close(
        s_pos + s_neg,
        torch.ones_like(z),
        what="sigmoid(z) + sigmoid(-z)",
        atol=1e-9,
        hint="sigma(-z) = 1 - sigma(z) fails: check the formula 1 / (1 + e^{-z})",
    )
