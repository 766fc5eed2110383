"""Hidden tests for LanguageModel (the model alone, untrained, in eval mode)."""

import torch

from dlnlp.testing import check

from .lab import check_causal


def model(student, vocab=50):
    student.seed(0)
    m = student.keep.LanguageModel(vocab)
    m.method("eval")
    return m


def test_logits_for_every_position(student):
    """forward(ids) gives finite logits (B, T, vocab_size); the model stays in budget"""
    m = model(student)
    ids = torch.randint(2, 50, (3, 9), generator=torch.Generator().manual_seed(0))
    out = m(ids)
    check(isinstance(out, torch.Tensor), "forward must return a logits tensor")
    check(
        out.shape == (3, 9, 50),
        f"logits must be (B, T, vocab_size) = (3, 9, 50), got {tuple(out.shape)}",
    )
    check(bool(torch.isfinite(out).all()), "the logits contain nan or inf")
    big = model(student, vocab=2000)
    check(
        big.probe("parameter_count") <= 2_000_000,
        "the language model has more than 2,000,000 parameters for vocab_size 2000: keep to the budget",
    )


def test_causal(student):
    """the logits at position t do not change when later tokens change"""
    m = model(student)
    ids = torch.randint(2, 50, (4, 12), generator=torch.Generator().manual_seed(1))
    check_causal(m, ids, 50)
