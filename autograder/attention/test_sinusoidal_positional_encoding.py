"""Hidden tests for sinusoidal_positional_encoding, against the formula of Vaswani et al. (2017)."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .mistakes import pe_mistakes


def formula(L, d):
    pe = torch.zeros(L, d, dtype=torch.float64)
    for pos in range(L):
        for i in range(d // 2):
            angle = torch.tensor(pos / 10000 ** (2 * i / d), dtype=torch.float64)
            pe[pos, 2 * i], pe[pos, 2 * i + 1] = torch.sin(angle), torch.cos(angle)
    return pe


def test_shape_and_dtype(student):
    """returns a float32 tensor of shape (L, d)"""
    pe = expect_tensor(student.sinusoidal_positional_encoding(9, 6), "the encoding")
    check(tuple(pe.shape) == (9, 6), "the encoding must have shape (L, d): one row per position")
    check(pe.dtype == torch.float32, f"the encoding must be float32, not {pe.dtype}")


def test_matches_the_formula(student):
    """matches PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...)"""
    L, d = 50, 16
    pe = student.sinusoidal_positional_encoding(L, d)
    expect_close(pe, formula(L, d), what="the encoding", mistakes=pe_mistakes(L, d), atol=1e-5)


def test_small_and_odd_sizes(student):
    """works for short sequences and small d"""
    for L, d in ((1, 2), (3, 4), (7, 10)):
        pe = student.sinusoidal_positional_encoding(L, d)
        expect_close(pe, formula(L, d), what="the encoding", mistakes=pe_mistakes(L, d), atol=1e-5)
