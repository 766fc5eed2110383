"""Hidden tests for impute: train's column medians only (no leakage, torch.nanmedian's lower
median), any number of other splits, an all-NaN train column filled with 0, inputs untouched."""

import math

import torch

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close

# The medians are entries of train and the kept values are copied, so every correct
# implementation returns exact values: measured max |difference| 0 for the reference, loops,
# numpy in float64 and nanquantile. The tolerances only absorb a float64 round trip; every
# catalogued mistake is off by more than 0.02 somewhere on these inputs.
ATOL, RTOL = 1e-6, 1e-6

HINT_LEAKAGE = (
    "the medians include the other splits (data leakage): compute each column's median on the "
    "training split only, then fill every split with it"
)
HINT_OWN = "each split is filled with its own medians: fill every split with train's medians"
HINT_MEAN = (
    "the NaNs are filled with the column mean: the contract asks for the median of train's "
    "non-NaN values"
)
HINT_UPPER = (
    "for an even count this is the upper of the two middle values: torch.nanmedian's "
    "convention is the lower one"
)
HINT_MIDPOINT = (
    "for an even count this averages the two middle values (NumPy's median): torch.nanmedian's "
    "convention is the lower one"
)
HINT_ALL_NAN = "a column that is all NaN in train is left NaN: fill it with 0, in every split"
HINT_ROWS = (
    "the medians are taken over the wrong dim: one median per column (feature), over the rows of "
    "train (dim=0)"
)
HINT_IN_PLACE = (
    "impute modifies its inputs in place: fill new tensors (a copy) and leave train and the "
    "other splits unchanged"
)


def column_statistics(train: torch.Tensor, pick) -> torch.Tensor:
    """(D,) float64: pick(sorted non-NaN values of column j) per column, NaN for none."""
    out = []
    for j in range(train.shape[1]):
        seen = sorted(v for v in train[:, j].double().tolist() if not math.isnan(v))
        out.append(pick(seen) if seen else math.nan)
    return torch.tensor(out, dtype=torch.float64)


def lower(seen: list[float]) -> float:
    return seen[(len(seen) - 1) // 2]


def upper(seen: list[float]) -> float:
    return seen[len(seen) // 2]


def midpoint(seen: list[float]) -> float:
    return (lower(seen) + upper(seen)) / 2


def mean(seen: list[float]) -> float:
    return sum(seen) / len(seen)


def filled(splits, fill: torch.Tensor, zero_empty: bool = True) -> tuple[torch.Tensor, ...]:
    """Each split in float64 with its NaNs replaced by `fill` (broadcast over the last dim)."""
    if zero_empty:
        fill = torch.where(torch.isnan(fill), torch.zeros_like(fill), fill)
    return tuple(torch.where(torch.isnan(s.double()), fill, s.double()) for s in splits)


def impute_expected(train, *others):
    return filled((train, *others), column_statistics(train, lower))


def impute_mistakes(train, *others):
    """(hint, tuple of wrong outputs, one per split) for each catalogued mistake."""
    splits = (train, *others)
    pooled = column_statistics(torch.cat([s.double() for s in splits]), lower)
    own = tuple(filled((s,), column_statistics(s, lower))[0] for s in splits)
    wrong = [
        (HINT_LEAKAGE, filled(splits, pooled)),
        (HINT_OWN, own),
        (HINT_MEAN, filled(splits, column_statistics(train, mean))),
        (HINT_UPPER, filled(splits, column_statistics(train, upper))),
        (HINT_MIDPOINT, filled(splits, column_statistics(train, midpoint))),
        (HINT_ALL_NAN, filled(splits, column_statistics(train, lower), zero_empty=False)),
    ]
    if train.shape[0] == train.shape[1]:  # row medians broadcast over columns: square only
        rows = column_statistics(train.T, lower)
        wrong.append((HINT_ROWS, filled(splits, rows)))
    return wrong


def splits(seed: int, *shapes, empty_column: int | None = None):
    """train (N, D) and others drawn far from it, each with NaNs; column j of train keeps
    N - 1 - (j % 3) values (odd and even counts), or none for `empty_column`."""
    g = torch.Generator().manual_seed(seed)
    train = torch.randn(*shapes[0], generator=g) * 2 + 1
    for j in range(train.shape[1]):
        rows = torch.randperm(train.shape[0], generator=g)[: 1 + j % 3]
        train[rows, j] = math.nan
    if empty_column is not None:
        train[:, empty_column] = math.nan
    others = []
    for shape in shapes[1:]:
        other = torch.randn(*shape, generator=g) * 6 - 5
        other[torch.rand(*shape, generator=g) < 0.4] = math.nan
        others.append(other)
    return train, others


def call(student, train, others):
    try:
        out = student.impute(train, *others)
    except StudentError as e:
        if e.verdict == "exception" and ("size" in e.message or "shape" in e.message):
            raise Mistake(f"a shape mismatch: {HINT_ROWS}") from None
        raise
    check(
        isinstance(out, (tuple, list)) and len(out) == 1 + len(others),
        "return a tuple with one tensor per argument: (train', *others')",
    )
    return out


def check_all(student, train, others):
    out = call(student, train, others)
    expected = impute_expected(train, *others)
    mistakes = impute_mistakes(train, *others)
    for k, (got, want) in enumerate(zip(out, expected, strict=True)):
        expect_close(
            got,
            want,
            what="the imputed train split" if k == 0 else f"the imputed other split #{k}",
            mistakes=[(hint, wrong[k]) for hint, wrong in mistakes],
            atol=ATOL,
            rtol=RTOL,
            hint="values that are not NaN must be kept, and each NaN replaced by train's median",
        )


def test_train_medians_fill_every_split(student):
    """train's column medians (lower median for an even count) fill the NaNs of every split"""
    train, others = splits(0, (13, 5), (9, 5))
    check_all(student, train, others)


def test_any_number_of_other_splits(student):
    """works with 0, 1 and 3 other splits, returned in order"""
    for n_others, seed in ((0, 1), (1, 2), (3, 3)):
        shapes = [(10, 4)] + [(4 + 2 * k, 4) for k in range(n_others)]
        train, others = splits(seed, *shapes)
        check_all(student, train, others)


def test_one_median_per_column(student):
    """a square train: one median per column, not per row"""
    train, others = splits(4, (6, 6), (5, 6))
    check_all(student, train, others)


def test_all_nan_column_is_filled_with_zero(student):
    """a column that is all NaN in train is 0 in every split, its other values kept"""
    train, others = splits(5, (8, 4), (7, 4), empty_column=2)
    assert bool((~torch.isnan(others[0][:, 2])).any())  # the other split has values to keep there
    check_all(student, train, others)


def test_inputs_are_not_modified(student):
    """the inputs are left as they are: new tensors are returned"""
    train, others = splits(6, (9, 3), (5, 3))
    call(student, train, others)
    # The worker gets copies, so the inputs are probed under autograd: an in-place write into a
    # leaf that requires grad raises. Any other failure there (e.g. .numpy() without .detach())
    # is no sign of an in-place write, and is not this test's to judge.
    try:
        student.grad(
            "impute", train, *others, wrt=[0, 1], grad_output=torch.ones(9, 3), output_index=0
        )
    except StudentError as e:
        if e.verdict == "exception" and "in-place operation" in e.message:
            raise Mistake(HINT_IN_PLACE) from None
        if e.verdict != "exception":
            raise
