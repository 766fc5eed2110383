"""Hidden tests for accuracy."""

import torch

from dlnlp.testing import check


def test_fraction_correct_as_float(student):
    """the fraction of predictions equal to the labels, as a Python float"""
    got = student.accuracy(torch.tensor([1, 0, 2, 2, 1]), torch.tensor([1, 1, 2, 0, 1]))
    check(
        isinstance(got, float),
        f"accuracy must return a Python float (use .item()), not {type(got).__name__}",
    )
    check(abs(got - 0.6) < 1e-6, "accuracy is (number of predictions equal to their label) / N")


def test_all_right_and_all_wrong(student):
    """1.0 when every prediction is right, 0.0 when none is"""
    check(
        abs(student.accuracy(torch.tensor([3]), torch.tensor([3])) - 1.0) < 1e-6,
        "one correct prediction of one is 1.0",
    )
    check(
        abs(student.accuracy(torch.zeros(8, dtype=torch.long), torch.ones(8, dtype=torch.long)))
        < 1e-6,
        "no correct prediction is 0.0",
    )
