"""Hidden tests for hinge_loss: value and subgradient against autograd in float64 (trusted side)
away from the kink, and against the contract's subgradient (0 at the kink) on points at margin
exactly 1; C != 1, b as a 0-d tensor and as a float."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .mistakes import hinge_mistakes, hinge_reference

# Tolerances: the defaults (atol 1e-5, rtol 1e-4). Correct float32 implementations (vectorised,
# a loop over the points, float64 inside, numpy) are at most 3.2e-6 off in the value (of 38, so
# 8e-8 relative) and 1.4e-6 in dw, 0 in db; the kink case is exact (dyadic inputs).


def _random_case(seed, n=12, d=3):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    y = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)
    w = torch.randn(d, generator=g) * 0.7
    return X, y, w


def _autograd(w, b, X, y, C):
    """The value and autograd's gradient, in float64 (valid away from the kink)."""
    wd = w.double().clone().requires_grad_(True)
    bd = torch.tensor(float(b), dtype=torch.float64, requires_grad=True)
    value = 0.5 * wd @ wd + C * torch.clamp(1 - y.double() * (X.double() @ wd + bd), min=0).sum()
    dw, db = torch.autograd.grad(value, (wd, bd))
    return value.detach(), dw, db


def _expect(student, w, b, X, y, C, expected, what):
    out = student.hinge_loss(w, b, X, y, C)
    check(
        isinstance(out, (tuple, list)) and len(out) == 2 and len(out[1]) == 2,
        "return (value, (dw, db))",
    )
    value, (dw, db) = out
    wrong_value, wrong_dw, wrong_db = hinge_mistakes(w, b, X, y, C)
    expect_close(value, expected[0], what=f"the value {what}", mistakes=wrong_value)
    expect_close(dw, expected[1], what=f"dw {what}", mistakes=wrong_dw)
    expect_close(torch.as_tensor(db), expected[2], what=f"db {what}", mistakes=wrong_db)


def test_value_and_subgradient_match_autograd(student):
    """value and gradient match autograd away from the kink, C = 2.5, b a 0-d tensor"""
    X, y, w = _random_case(30)
    b = torch.tensor(0.3)
    expected = _autograd(w, b, X, y, 2.5)
    # margins -1.69 .. 3.29, the nearest to the kink 0.917: autograd's gradient is the
    # subgradient here; 4 points inside the margin (0 < m < 1), 6 misclassified, 1 outside
    _expect(student, w, b, X, y, 2.5, expected, "with C = 2.5")


def test_subgradient_is_zero_at_the_kink(student):
    """points at margin exactly 1 do not count in the subgradient (but the others do), C = 1.5"""
    X = torch.tensor([[2.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [1.0, 2.0], [4.0, -4.0], [-2.0, -2.0]])
    y = torch.tensor([1.0, 1.0, -1.0, -1.0, 1.0, -1.0])
    w, b = torch.tensor([0.25, 0.5]), torch.tensor(0.5)  # margins 1, 1, 0.25, -1.75, -0.5, 1
    _expect(student, w, b, X, y, 1.5, hinge_reference(w, b, X, y, 1.5), "with points at the kink")


def test_b_as_a_float(student):
    """b given as a Python float works, C = 0.5; db is a 0-d value"""
    X, y, w = _random_case(31, n=15, d=4)
    expected = _autograd(w, -0.4, X, y, 0.5)
    _expect(student, w, -0.4, X, y, 0.5, expected, "with b a float")
    _, (_, db) = student.hinge_loss(w, -0.4, X, y, 0.5)
    check(torch.as_tensor(db).dim() == 0, "db is a single number (0-d), like b")


def test_default_c_is_one(student):
    """C defaults to 1"""
    X, y, w = _random_case(32, n=10, d=2)
    b = torch.tensor(-0.2)
    value = expect_tensor(student.hinge_loss(w, b, X, y)[0], "the value")
    expect_close(value, _autograd(w, b, X, y, 1.0)[0], what="the value with the default C")
