"""Hidden tests for corrupt (masking noise): seeded, many entries, tolerances of 6 standard errors."""

import math

import torch

from dlnlp.testing import check, expect_tensor

SIGMAS = 6.0


def data(*shape, seed=0):
    """Positive entries in [1, 2): a dropped entry is the only way to get a 0."""
    return 1.0 + torch.rand(*shape, generator=torch.Generator().manual_seed(seed))


def corrupted(student, x, p, seed):
    student.seed(seed)
    y = expect_tensor(student.corrupt(x, p), "the corrupted tensor")
    check(tuple(y.shape) == tuple(x.shape), "corrupt must return a tensor of x's shape")
    return y


def test_kept_entries_are_unchanged(student):
    """dropped entries are exactly 0 and kept entries unchanged (no 1/(1-p) rescaling), any shape"""
    x = data(30, 40, 10, seed=40)
    y = corrupted(student, x, 0.25, seed=41)
    check(bool((y == 0).any()), "no entry was set to 0")
    kept = y != 0
    check(
        not torch.allclose(y[kept].double(), x[kept].double() / 0.75),
        "kept entries must be unchanged: no 1 / (1 - p) rescaling (that is inverted dropout, not masking noise)",
    )
    check(
        torch.equal(y[kept].double(), x[kept].double()),
        "every entry must be either 0 (dropped) or exactly its original value (kept)",
    )


def test_fraction_dropped_matches_drop_prob(student):
    """about drop_prob of the entries are zeroed, for several drop_prob (0 and 1 included)"""
    x = data(400, 50, seed=42)
    n = x.numel()
    for i, p in enumerate((0.1, 0.5, 0.8)):
        y = corrupted(student, x, p, seed=43 + i)
        frac = float((y == 0).double().mean())
        tol = SIGMAS * math.sqrt(p * (1 - p) / n)
        if p != 0.5:
            check(
                abs(frac - (1 - p)) >= tol,
                "drop_prob is the probability of zeroing an entry, not of keeping it",
            )
        check(abs(frac - p) < tol, "the fraction of zeroed entries does not match drop_prob")
    check(
        torch.equal(corrupted(student, x, 0.0, seed=46).double(), x.double()),
        "drop_prob = 0 must keep every entry",
    )
    check(
        bool((corrupted(student, x, 1.0, seed=47) == 0).all()),
        "drop_prob = 1 must zero every entry",
    )


def test_entries_dropped_independently(student):
    """entries are dropped independently: not whole rows, not whole columns, no pattern"""
    x = data(500, 40, seed=48)
    dropped = (corrupted(student, x, 0.3, seed=49) == 0).double()
    per_row = dropped.mean(dim=1)
    check(
        float(((per_row == 0) | (per_row == 1)).double().mean()) < 0.01,
        "whole rows are dropped together: drop each entry independently (a mask of x's full shape)",
    )
    per_col = dropped.mean(dim=0)
    check(
        float(((per_col == 0) | (per_col == 1)).double().mean()) < 0.05,
        "whole columns are dropped together (the same mask for every row): draw a mask of x's full shape",
    )
    c = dropped - dropped.mean()
    var = float((c**2).mean())
    rows, cols = dropped.shape
    for a, b in ((c[:, :-1], c[:, 1:]), (c[:-1], c[1:])):  # neighbours along each axis
        corr = float((a * b).mean()) / var
        check(
            abs(corr) < SIGMAS / math.sqrt(a.numel()),
            "neighbouring entries are dropped together: draw every entry of the mask independently",
        )


def test_fresh_mask_on_every_call(student):
    """each call draws a new mask"""
    x = data(200, 30, seed=50)
    student.seed(51)
    m1 = expect_tensor(student.corrupt(x, 0.5), "the corrupted tensor") == 0
    m2 = expect_tensor(student.corrupt(x, 0.5), "the corrupted tensor") == 0
    check(
        not torch.equal(m1, m2),
        "two calls dropped the same entries: draw a fresh mask on every call (do not reseed inside the function)",
    )
    agree = float((m1 == m2).double().mean())
    check(
        abs(agree - 0.5) < SIGMAS * math.sqrt(0.25 / m1.numel()),
        "the masks of two calls are correlated: draw a fresh, independent mask on every call",
    )
