"""Hidden tests for bert_inputs: exact ids, token types and mask, truncation as BERT's
fine-tuning `_truncate_seq_pair` in run_classifier.py (longest first, one token at a time from
the end, B on a tie)."""

import torch

from dlnlp.testing import Mistake, check

from .bert import CLS, PAD, SEP, pair, pair_mistakes


def _expect_pair(student, a, b, max_len, what):
    out = student.bert_inputs(a, b, CLS, SEP, PAD, max_len)
    check(
        isinstance(out, (tuple, list))
        and len(out) == 3
        and all(isinstance(t, torch.Tensor) for t in out),
        "bert_inputs must return a tuple of three tensors (input_ids, token_type_ids, attention_mask)",
    )
    ids, types, mask = out
    check(
        all(t.shape == (max_len,) for t in out),
        "each of the three tensors must have shape (max_len,): truncate, then pad to max_len",
    )
    check(mask.dtype == torch.bool, "attention_mask must be a bool tensor")
    got = (ids.tolist(), types.tolist(), mask.tolist())
    expected = pair(a, b, max_len)
    if got == expected:
        return
    if got[:2] == expected[:2]:
        raise Mistake("attention_mask must be True at the real tokens and False at padding")
    for hint, wrong in pair_mistakes(a, b, max_len):
        if tuple(wrong) != expected and got[:2] == tuple(wrong[:2]):
            raise Mistake(hint)
    if got[0] == expected[0]:
        raise Mistake(
            "token types: 0 for [CLS], A and the first [SEP], 1 for B and the last [SEP], 0 at "
            "padding"
        )
    raise Mistake(f"{what}: input_ids should be [CLS] A [SEP] B [SEP] then [PAD]s")


def test_pair_with_padding(student):
    """a short pair: [CLS] A [SEP] B [SEP], token types 0/1, padding at the end masked out"""
    _expect_pair(student, [10, 11, 12], [20, 21], 12, "a short pair")
    _expect_pair(student, [10], [20, 21, 22, 23], 9, "a pair that fits exactly")


def test_truncates_the_longer_segment(student):
    """longest-first truncation: a long A, a long B, both long"""
    _expect_pair(student, list(range(10, 25)), [30, 31, 32], 12, "a long A")
    _expect_pair(student, [10, 11], list(range(30, 44)), 10, "a long B")
    _expect_pair(student, list(range(10, 18)), list(range(30, 37)), 11, "both long")


def test_truncation_tie_goes_to_b(student):
    """when both segments are equally long, the token dropped is B's last"""
    _expect_pair(student, list(range(10, 16)), list(range(30, 36)), 12, "equal lengths")
