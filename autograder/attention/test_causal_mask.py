"""Hidden tests for causal_mask."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .mistakes import causal_mistakes


def test_is_square_bool(student):
    """returns a bool tensor of shape (L, L)"""
    m = expect_tensor(student.causal_mask(6), "the mask")
    check(
        m.dtype == torch.bool, f"the mask must be a bool tensor (True = may attend), not {m.dtype}"
    )
    check(tuple(m.shape) == (6, 6), "the mask must have shape (L, L)")


def test_allows_exactly_past_and_present(student):
    """allows exactly the keys j <= i, for several lengths"""
    for L in (1, 3, 7):
        m = expect_tensor(student.causal_mask(L), "the mask")
        expected = torch.ones(L, L, dtype=torch.bool).tril()
        expect_close(
            m.to(torch.bool) if m.dtype != torch.bool else m,
            expected,
            what="the mask",
            atol=0,
            rtol=0,
            mistakes=causal_mistakes(L),
        )
