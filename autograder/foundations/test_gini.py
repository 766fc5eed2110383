"""Hidden tests for gini: 1 - sum p^2 in float64, zeros, batch dims, one row."""

import torch

from dlnlp.testing import expect_close

from .trees import gini_closed, gini_mistakes, random_rows

# measured against the float64 values here: the reference (float32) 6.2e-8 off, numpy inside and
# loops 1.8e-8; 1e-5 keeps a margin. 1 - sum p is 0 on every row, 0.3 or more off.
ATOL, RTOL = 1e-5, 1e-5


def test_closed_forms(student):
    """uniform over C gives 1 - 1/C, one-hot 0"""
    p = torch.tensor([[0.25, 0.25, 0.25, 0.25], [0.0, 1.0, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0]])
    expect_close(
        student.gini(p),
        torch.tensor([0.75, 0.0, 0.5]),
        what="the Gini impurity",
        mistakes=gini_mistakes(p),
        atol=ATOL,
        rtol=RTOL,
    )


def test_random_rows_with_batch_dims(student):
    """1 - sum p^2 over the last dim of a (2, 3, 5) batch with zeros"""
    p = random_rows(2, 3, 5, seed=2)
    expect_close(
        student.gini(p),
        gini_closed(p),
        what="the Gini impurity",
        mistakes=gini_mistakes(p),
        atol=ATOL,
        rtol=RTOL,
    )


def test_one_row_gives_a_0d_tensor(student):
    """a single row (C,) gives a 0-d result"""
    p = random_rows(6, seed=3)
    expect_close(
        student.gini(p),
        gini_closed(p),
        what="the Gini impurity of one row",
        mistakes=gini_mistakes(p),
        atol=ATOL,
        rtol=RTOL,
    )
