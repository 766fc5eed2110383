"""Hidden tests for standardize: train's statistics only (no leakage), any number of other splits,
and a constant column floored at 1e-8."""

import torch

from dlnlp.testing import check, expect_close

from .trees import HINT_NOT_FLOORED, standardize_expected, standardize_mistakes

# float32 students against float64 values, measured on these inputs: the reference and a
# torch.var_mean form 9.4e-7 absolute, numpy inside and loops 3.8e-7; relative on entries above
# 1e-3 at most 5.3e-6. atol 1e-5 with rtol 1e-5 keeps a margin; leaked statistics are >0.5 off.
ATOL, RTOL = 1e-5, 1e-5


def splits(seed, *shapes):
    """A train split (N, D) and others drawn far from it, so that pooled statistics differ."""
    g = torch.Generator().manual_seed(seed)
    train = torch.randn(*shapes[0], generator=g) * 3 + 1
    others = [torch.randn(*s, generator=g) * 8 - 6 for s in shapes[1:]]
    return train, others


def check_all(student, train, others, what):
    out = student.standardize(train, *others)
    check(
        isinstance(out, (tuple, list)) and len(out) == 1 + len(others),
        "return a tuple with one tensor per argument: (train', *others')",
    )
    expected = standardize_expected(train, *others)
    mistakes = standardize_mistakes(train, *others)
    for k, (got, want) in enumerate(zip(out, expected, strict=True)):
        name = "the standardised train split" if k == 0 else f"the standardised {what} #{k}"
        expect_close(
            got,
            want,
            what=name,
            mistakes=[(hint, wrong[k]) for hint, wrong in mistakes],
            atol=ATOL,
            rtol=RTOL,
        )


def test_statistics_come_from_train_only(student):
    """train's mean and population std applied to a test split drawn from another distribution"""
    train, others = splits(0, (20, 3), (12, 3))
    check_all(student, train, others, "other split")


def test_any_number_of_other_splits(student):
    """works with 0, 1 and 2 other splits, returned in order"""
    for n_others, seed in ((0, 1), (1, 2), (2, 3)):
        shapes = [(15, 4)] + [(5 + 3 * k, 4) for k in range(n_others)]
        train, others = splits(seed, *shapes)
        check_all(student, train, others, "other split")


def test_constant_column_is_floored(student):
    """a constant column in train: std clamped at 1e-8, the output finite"""
    g = torch.Generator().manual_seed(4)
    train, test = torch.randn(10, 3, generator=g), torch.randn(4, 3, generator=g)
    train[:, 1] = 2.0  # exactly representable: mean 2, std exactly 0 in any float order
    test[:, 1] = torch.tensor([2.0, 2.0, 2.0, 2.0 + 2**-10])
    out = student.standardize(train, test)
    check(isinstance(out, (tuple, list)) and len(out) == 2, "return a tuple: one tensor per split")
    for got in out:
        check(
            isinstance(got, torch.Tensor) and bool(torch.isfinite(got).all()),
            HINT_NOT_FLOORED,
        )
    expected = standardize_expected(train, test)
    expect_close(out[0], expected[0], what="the standardised train split", atol=ATOL, rtol=RTOL)
    # the last entry of the constant column is 2^-10 / 1e-8 ~ 9.8e4: rtol 1e-5 of it is 1, well
    # above float32's rounding (6e-3 absolute there)
    expect_close(
        out[1],
        expected[1],
        what="the standardised test split",
        atol=ATOL,
        rtol=RTOL,
        hint="the std of a constant column must be clamped below at exactly 1e-8",
    )
