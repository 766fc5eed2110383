"""Hidden tests for lm_windows."""

import torch

from dlnlp.testing import Mistake, check

from .lab import windows


def test_overlapping_windows_last_padded(student):
    """windows of seq_len + 1 tokens, sharing one token, the last padded with pad_id"""
    for n, seq_len in ((20, 4), (17, 4), (9, 8), (3, 5), (33, 32)):
        stream = list(range(2, 2 + n))
        got = student.lm_windows(stream, seq_len)
        check(
            isinstance(got, torch.Tensor) and got.dtype == torch.long,
            "lm_windows must return an int64 tensor",
        )
        expected = windows(stream, seq_len)
        if got.shape[-1] == seq_len:
            raise Mistake(
                "each window holds seq_len + 1 tokens: seq_len inputs and, shifted by one, seq_len targets"
            )
        if (
            got.shape[0] > expected.shape[0]
            and got.shape[-1] == seq_len + 1
            and torch.equal(got[0], expected[0])
            and not torch.equal(got[1], expected[1])
        ):
            raise Mistake(
                "consecutive windows start seq_len tokens apart (they share one token), not one token apart"
            )
        if (
            got.shape[-1] == seq_len + 1
            and got.shape[0] >= 2
            and torch.equal(got[1, :seq_len], torch.tensor(stream[seq_len + 1 : 2 * seq_len + 1]))
        ):
            raise Mistake(
                "consecutive windows share one token (window k starts at k * seq_len): otherwise one token in every window is never a target"
            )
        check(
            got.shape == expected.shape,
            "lm_windows returns (number of windows, seq_len + 1): the last, partial window is padded, not dropped",
        )
        check(
            torch.equal(got, expected),
            "window k is stream[k*seq_len : k*seq_len + seq_len + 1], the last one padded with pad_id",
        )


def test_short_streams_and_pad_id(student):
    """a stream shorter than a window is one padded window, padded with the given pad_id"""
    got = student.lm_windows([4, 5, 6], 4, pad_id=9)
    check(
        isinstance(got, torch.Tensor) and got.tolist() == [[4, 5, 6, 9, 9]],
        "pad with the given pad_id",
    )
    got = student.lm_windows([4, 5], 1)
    check(
        isinstance(got, torch.Tensor) and got.tolist() == [[4, 5]],
        "a stream of exactly seq_len + 1 tokens is one window, without padding",
    )
