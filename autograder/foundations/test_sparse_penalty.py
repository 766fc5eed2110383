"""Hidden tests for sparse_penalty: beta * sum_j KL(rho || rho_hat_j) in float64, the arguments of
the KL in the right order, zero when every unit's mean activation is rho."""

import torch

from dlnlp.testing import expect_close

from .trees import sparse_penalty_expected, sparse_penalty_mistakes

# measured against the float64 penalty here: the reference and an xlogy/log1p form in float32
# 8.3e-7 absolute (1.1e-7 relative), numpy inside and loops 1.6e-7; atol 1e-6 + rtol 1e-5 keeps a
# margin. Swapped arguments are >10% off.
ATOL, RTOL = 1e-6, 1e-5


def activations(n, m, seed, low=0.05, high=0.95):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, m, generator=g) * (high - low) + low


def test_matches_the_formula(student):
    """beta * sum_j KL(rho || rho_hat_j), N != M, for several rho and beta"""
    for seed, (n, m, rho, beta) in enumerate(((16, 5, 0.05, 3.0), (7, 11, 0.3, 0.5))):
        h = activations(n, m, seed)
        expect_close(
            student.sparse_penalty(h, rho, beta),
            sparse_penalty_expected(h, rho, beta),
            what="the penalty",
            mistakes=sparse_penalty_mistakes(h, rho, beta),
            atol=ATOL,
            rtol=RTOL,
        )


def test_sparse_codes_far_from_rho(student):
    """mostly inactive units and a large rho, where KL(rho || rho_hat) and KL(rho_hat || rho)
    differ most"""
    h = activations(20, 6, 5, low=0.01, high=0.2)
    expect_close(
        student.sparse_penalty(h, 0.6, 1.0),
        sparse_penalty_expected(h, 0.6, 1.0),
        what="the penalty",
        mistakes=sparse_penalty_mistakes(h, 0.6, 1.0),
        atol=ATOL,
        rtol=RTOL,
    )


def test_zero_when_the_means_equal_rho(student):
    """every unit's batch mean equal to rho gives a zero penalty"""
    h = torch.tensor([[0.1, 0.3], [0.3, 0.1], [0.2, 0.2]])  # column means 0.2
    expect_close(
        student.sparse_penalty(h, 0.2, 2.0),
        torch.tensor(0.0, dtype=torch.float64),
        what="the penalty at rho_hat = rho",
        mistakes=sparse_penalty_mistakes(h, 0.2, 2.0),
        atol=1e-6,  # measured: float32 forms 1.2e-7 off zero, float64 ones 7.8e-16
        rtol=0.0,
    )
