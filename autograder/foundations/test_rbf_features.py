"""Hidden tests for rbf_features: the formula in float64, and XOR made linearly separable (a
least-squares fit on the student's features, on the trusted side)."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .trees import rbf_expected, rbf_mistakes

# measured against the float64 features here: the ||x||^2 - 2 x.c + ||c||^2 expansion in float32
# 9.8e-8 off, the reference 3.5e-8, numpy inside and loops 2.1e-8; 1e-5 keeps a wide margin
ATOL = 1e-5


def test_matches_the_formula(student):
    """exp(-gamma ||x - c||^2) for every point and centre, N != M != D"""
    g = torch.Generator().manual_seed(0)
    for n, m, d, gamma in ((6, 4, 3, 0.7), (3, 7, 2, 2.5)):
        X, C = torch.randn(n, d, generator=g), torch.randn(m, d, generator=g)
        expect_close(
            student.rbf_features(X, C, gamma),
            rbf_expected(X, C, gamma),
            what="the features",
            mistakes=rbf_mistakes(X, C, gamma),
            atol=ATOL,
            rtol=0.0,
        )


def test_a_point_on_a_centre_gives_one(student):
    """a point that sits on a centre has feature exactly 1 there"""
    C = torch.tensor([[0.5, -1.0], [2.0, 3.0]])
    X = torch.tensor([[2.0, 3.0], [0.5, -1.0], [0.0, 0.0]])
    F = expect_tensor(student.rbf_features(X, C, 1.3), "the features")
    check(tuple(F.shape) == (3, 2), "the features must have shape (N, M): one column per centre")
    check(
        abs(float(F[0, 1]) - 1.0) < 1e-6 and abs(float(F[1, 0]) - 1.0) < 1e-6,
        "a point on a centre must have feature exp(0) = 1 for that centre",
    )


def test_xor_becomes_linearly_separable(student):
    """with centres on the four XOR corners, a linear model on the features separates XOR"""
    g = torch.Generator().manual_seed(1)
    corners = torch.tensor([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    X = corners.repeat(10, 1) + 0.25 * torch.randn(40, 2, generator=g)
    y = torch.sign(X[:, 0] * X[:, 1]).double()  # +1 on two opposite corners, -1 on the others
    F = expect_tensor(student.rbf_features(X, corners, 1.0), "the features")
    check(tuple(F.shape) == (40, 4), "the features must have shape (N, M): one column per centre")
    check(bool(torch.isfinite(F).all()), "the features contain nan or inf")
    # least squares with a bias column, in float64, on the trusted side
    A = torch.cat([F.double(), torch.ones(40, 1, dtype=torch.float64)], dim=1)
    w = torch.linalg.lstsq(A, y[:, None]).solution
    accuracy = float((torch.sign(A @ w).squeeze(1) == y).double().mean())
    check(
        accuracy == 1.0,
        "a linear model on the features should separate XOR: each column must measure "
        "closeness to one centre, exp(-gamma ||x - c||^2)",
    )
