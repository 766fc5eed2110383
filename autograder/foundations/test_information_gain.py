"""Hidden tests for information_gain: size-weighted children, uneven and empty children, entropy
and Gini, more than two classes and children; the expected gain counted with Python on the
trusted side."""

import torch

from dlnlp.testing import check, expect_close

from .trees import HINT_EMPTY_CHILD, as_float, gain, information_gain_mistakes

# measured against the float64 gain here: bincount().float() with xlogy in float32 1.1e-7 off; the
# reference, numpy inside and Counter loops 4.4e-16; 1e-5 keeps a margin. Unweighted is >0.05 off.
ATOL = 1e-5


def labels(*values):
    return torch.tensor(values, dtype=torch.int64)


def expect_gain(student, parent, children, impurity, hint=""):
    got = as_float(student.information_gain(parent, children, impurity))
    check(not bool(torch.isnan(got)), f"the {impurity} gain is nan or not a number")
    expect_close(
        got,
        torch.tensor(gain(parent, children, impurity), dtype=torch.float64),
        what=f"the {impurity} gain",
        mistakes=information_gain_mistakes(parent, children, impurity),
        atol=ATOL,
        rtol=0.0,
        hint=hint,
    )


def split(parent, sizes, seed):
    """Shuffle parent and cut it into children of the given sizes."""
    g = torch.Generator().manual_seed(seed)
    shuffled = parent[torch.randperm(len(parent), generator=g)]
    return list(torch.split(shuffled, sizes))


def test_uneven_children_entropy(student):
    """the entropy gain of an uneven split in two, children weighted by size"""
    parent = labels(0, 0, 0, 1, 1, 1)
    expect_gain(student, parent, [labels(0, 0, 0, 1), labels(1, 1)], "entropy")


def test_uneven_children_gini(student):
    """the Gini gain of an uneven split in two, children weighted by size"""
    parent = labels(0, 0, 0, 1, 1, 1, 1)
    expect_gain(student, parent, [labels(0, 0, 0, 1, 1), labels(1, 1)], "gini")


def test_three_classes_four_children(student):
    """three classes cut into four children of sizes 2, 7, 5, 10, both impurities"""
    g = torch.Generator().manual_seed(0)
    parent = torch.randint(0, 3, (24,), generator=g)
    parent[:3] = torch.tensor([0, 1, 2])  # every class present
    for seed, impurity in ((1, "entropy"), (2, "gini")):
        expect_gain(student, parent, split(parent, [2, 7, 5, 10], seed), impurity)


def test_an_empty_child_has_weight_zero(student):
    """an empty child contributes nothing (no nan), both impurities"""
    parent = labels(0, 1, 1, 2, 2, 2, 0, 1)
    children = [labels(0, 1, 1), labels(), labels(2, 2, 2, 0, 1)]
    for impurity in ("entropy", "gini"):
        got = as_float(student.information_gain(parent, children, impurity))
        check(bool(torch.isfinite(got)), HINT_EMPTY_CHILD)
        expect_gain(student, parent, children, impurity, hint=HINT_EMPTY_CHILD)


def test_a_pure_split_gains_the_parents_impurity(student):
    """children that are each one class gain the whole impurity of the parent"""
    parent = labels(2, 0, 1, 0, 2, 1, 0)
    children = [labels(0, 0, 0), labels(1, 1), labels(2, 2)]
    for impurity in ("entropy", "gini"):
        expect_gain(student, parent, children, impurity)
