"""Hidden tests for padding_mask."""

import torch

from dlnlp.testing import Mistake, check


def test_true_at_real_tokens(student):
    """True where t < lengths[b], False at padding, shape (B, max_len), dtype bool"""
    lengths = torch.tensor([3, 1, 5, 2])
    expected = torch.arange(6)[None, :] < lengths[:, None]
    got = student.padding_mask(lengths, 6)
    check(isinstance(got, torch.Tensor), "padding_mask must return a torch.Tensor")
    check(got.shape == (4, 6), f"the mask must be (B, max_len) = (4, 6), got {tuple(got.shape)}")
    if got.dtype != torch.bool:
        raise Mistake(f"the mask must be a bool tensor, got {got.dtype}")
    if torch.equal(got, ~expected):
        raise Mistake(
            "the mask is inverted: True marks the real tokens here (nn.Transformer's "
            "src_key_padding_mask is the one that marks padding)"
        )
    if torch.equal(got, torch.arange(6)[None, :] <= lengths[:, None]):
        raise Mistake("off by one: position t is real when t < lengths[b] (positions start at 0)")
    check(torch.equal(got, expected), "the mask must be True exactly at positions t < lengths[b]")


def test_full_rows_and_wider_masks(student):
    """a sequence as long as max_len has no padding; max_len may exceed every length"""
    one = student.padding_mask(torch.tensor([2]), 2)
    check(
        isinstance(one, torch.Tensor) and one.tolist() == [[True, True]],
        "a sequence as long as max_len has no padding",
    )
    wide = student.padding_mask(torch.tensor([1, 2]), 5)
    check(
        isinstance(wide, torch.Tensor)
        and wide.tolist() == [[True] + [False] * 4, [True] * 2 + [False] * 3],
        "the mask has max_len columns, even when every sequence is shorter",
    )
