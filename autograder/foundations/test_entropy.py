"""Hidden tests for entropy: bits against torch.special.entr in float64, zeros, batch dims, one
row."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .trees import HINT_ENTROPY_NAN, entropy_bits, entropy_mistakes, random_rows

# measured against the float64 entropy here: xlogy(p, p) / log(2) in float32 2.0e-7 off, the
# reference, numpy inside and loops 5.6e-8; 1e-5 keeps a margin. Nats are 30% off.
ATOL, RTOL = 1e-5, 1e-5


def test_closed_forms(student):
    """uniform rows give log2 C, one-hot rows 0, a fair coin 1 bit"""
    p = torch.tensor([[0.25, 0.25, 0.25, 0.25], [0.0, 1.0, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0]])
    expect_close(
        student.entropy(p),
        torch.tensor([2.0, 0.0, 1.0]),
        what="the entropy",
        mistakes=entropy_mistakes(p),
        atol=ATOL,
        rtol=RTOL,
    )


def test_random_rows_with_zeros_and_batch_dims(student):
    """-sum p log2 p over the last dim of a (2, 3, 5) batch with zeros: never nan"""
    p = random_rows(2, 3, 5, seed=0)
    H = expect_tensor(student.entropy(p), "the entropy")
    check(not bool(torch.isnan(H).any()), HINT_ENTROPY_NAN)
    expect_close(
        H,
        entropy_bits(p),
        what="the entropy",
        mistakes=entropy_mistakes(p),
        atol=ATOL,
        rtol=RTOL,
    )


def test_one_row_gives_a_0d_tensor(student):
    """a single row (C,) gives a 0-d result"""
    p = random_rows(6, seed=1)
    expect_close(
        student.entropy(p),
        entropy_bits(p),
        what="the entropy of one row",
        mistakes=entropy_mistakes(p),
        atol=ATOL,
        rtol=RTOL,
    )
