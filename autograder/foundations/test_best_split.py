"""Hidden tests for best_split: against an exhaustive search over midpoints written here (trusted
side), with unsorted and duplicated x, several classes, and ties (smallest threshold wins)."""

import torch

from dlnlp.testing import Mistake, check

from .trees import HINT_DATA_POINT, HINT_LARGEST_ON_TIE, as_float, exhaustive_best

# thresholds: the reference's float32 midpoints and the float64 ones of numpy inside and loops all
# pass (a float32 midpoint is within 1 ulp, 1.2e-7 for |x| < 2; exact when x is a multiple of 0.5);
# gains: a float32 information_gain is 1.1e-7 off. 1e-5 for both; the best gain leads the next
# candidate by more than 0.01 in every non-tie case here, so rounding cannot change the winner.
ATOL = 1e-5


def expect_split(
    student, x, y, impurity, hint="the best split is not the one with the largest gain"
):
    out = student.best_split(x, y, impurity)
    check(isinstance(out, (tuple, list)) and len(out) == 2, "return a pair (threshold, gain)")
    t, g = float(as_float(out[0])), float(as_float(out[1]))
    want_t, want_g, largest_t = exhaustive_best(x, y, impurity)
    if abs(t - want_t) <= ATOL:
        check(abs(g - want_g) <= ATOL, f"the threshold is right but its {impurity} gain is wrong")
        return
    if abs(t - largest_t) <= ATOL:
        raise Mistake(HINT_LARGEST_ON_TIE)
    if bool((x.double() - t).abs().min() <= ATOL):
        raise Mistake(HINT_DATA_POINT)
    raise Mistake(hint)


def test_matches_an_exhaustive_search(student):
    """unsorted continuous x, three classes, both impurities"""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(30, generator=g)
    y = (x + 0.8 * torch.randn(30, generator=g) > 0).long() + (x > 1.0).long()
    for impurity in ("gini", "entropy"):
        expect_split(student, x, y, impurity)


def test_duplicated_values(student):
    """x with repeated values: candidates are midpoints between distinct values only"""
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 8, (25,), generator=g).float() / 2  # many duplicates, exact midpoints
    y = (x + torch.randn(25, generator=g) > 2.0).long()
    for impurity in ("gini", "entropy"):
        expect_split(
            student,
            x,
            y,
            impurity,
            hint="with duplicated values, take midpoints between consecutive distinct values",
        )


def test_ties_go_to_the_smallest_threshold(student):
    """two thresholds with exactly the same gain: the smaller one is returned"""
    x = torch.tensor([4.0, 1.0, 3.0, 2.0, 6.0, 5.0])  # unsorted
    y = torch.tensor([1, 0, 1, 1, 0, 1])  # sorted by x: 0 1 1 1 1 0, symmetric
    for impurity in ("gini", "entropy"):
        expect_split(student, x, y, impurity, hint=HINT_LARGEST_ON_TIE)


def test_a_perfect_split(student):
    """two separable classes: the threshold between them, the gain the parent's impurity"""
    x = torch.tensor([7.0, 1.0, 9.0, 3.0, 5.0, 2.0])
    y = torch.tensor([1, 0, 1, 0, 1, 0])
    expect_split(student, x, y, "gini")
