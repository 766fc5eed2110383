"""Hidden tests for collate."""

import torch

from dlnlp.testing import Mistake, check

BATCH = [([5, 6], 1), ([7, 8, 9, 10], 0), ([11], 1)]


def collated(student, batch, **kw):
    out = student.collate(batch, **kw)
    check(
        isinstance(out, (tuple, list)) and len(out) == 3,
        "collate must return (ids, lengths, labels)",
    )
    for name, t in zip(("ids", "lengths", "labels"), out, strict=True):
        check(isinstance(t, torch.Tensor), f"{name} must be a torch.Tensor")
        check(t.dtype == torch.long, f"{name} must be int64 (torch.long), got {t.dtype}")
    return out


def test_pads_at_the_end_to_the_longest(student):
    """pads each sequence at the end with pad_id up to the longest, in the batch's order"""
    ids, lengths, labels = collated(student, BATCH)
    expected = [[5, 6, 0, 0], [7, 8, 9, 10], [11, 0, 0, 0]]
    if ids.tolist() == [[0, 0, 5, 6], [7, 8, 9, 10], [0, 0, 0, 11]]:
        raise Mistake("pad at the end of each sequence, not at the start")
    if (
        ids.shape[0] == 3
        and sorted(map(tuple, ids.tolist())) == sorted(map(tuple, expected))
        and ids.tolist() != expected
    ):
        raise Mistake(
            "keep the batch's order: do not sort the sequences (the labels must stay aligned)"
        )
    check(
        ids.shape == (3, 4),
        f"ids must be (B, T) with T the longest length in the batch, got {tuple(ids.shape)}",
    )
    check(ids.tolist() == expected, "each row must be the sequence followed by pad_id")
    if lengths.tolist() == [4, 4, 4]:
        raise Mistake("lengths count the real tokens of each sequence, not the padded length")
    check(lengths.tolist() == [2, 4, 1], "lengths must hold each sequence's number of real tokens")
    check(labels.tolist() == [1, 0, 1], "labels must follow the batch's order")


def test_pad_id_and_edge_cases(student):
    """uses the given pad_id; a batch of one or of equal lengths needs no padding"""
    ids, _, _ = collated(student, BATCH, pad_id=3)
    check(ids.tolist() == [[5, 6, 3, 3], [7, 8, 9, 10], [11, 3, 3, 3]], "pad with the given pad_id")
    ids, lengths, labels = collated(student, [([4, 2, 9], 2)])
    check(
        ids.tolist() == [[4, 2, 9]] and lengths.tolist() == [3] and labels.tolist() == [2],
        "a batch of one sequence is just that sequence",
    )
    ids, _, _ = collated(student, [([1, 2], 0), ([3, 4], 1)])
    check(
        ids.shape == (2, 2),
        "pad only up to the longest sequence of this batch, not to a fixed length",
    )
