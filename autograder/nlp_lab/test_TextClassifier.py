"""Hidden tests for TextClassifier (the model alone, untrained, in eval mode)."""

import torch

from dlnlp.testing import check

from .lab import pad


def sequences(seed=0, n=6, vocab=40):
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, 12, (n,), generator=g).tolist()
    return [torch.randint(2, vocab, (k,), generator=g).tolist() for k in lengths]


def model(student, vocab=40, classes=3, **kw):
    student.seed(0)
    m = student.keep.TextClassifier(vocab, classes, **kw)
    m.method("eval")
    return m


def logits_of(m, seqs, extra=0):
    ids, lengths = pad(seqs)
    ids = torch.cat([ids, torch.zeros(len(seqs), extra, dtype=torch.long)], dim=1)
    out = m(ids, lengths)
    check(isinstance(out, torch.Tensor), "forward must return a logits tensor")
    return out


def test_logits_one_row_per_sequence(student):
    """forward(ids, lengths) gives finite logits (B, num_classes); the model stays in budget"""
    for classes in (2, 5):
        m = model(student, classes=classes)
        out = logits_of(m, sequences())
        check(
            out.shape == (6, classes),
            f"logits must be (B, num_classes) = (6, {classes}), got {tuple(out.shape)}",
        )
        check(bool(torch.isfinite(out).all()), "the logits contain nan or inf")
    big = model(student, vocab=1000, classes=2)
    check(
        big.probe("parameter_count") <= 1_000_000,
        "the classifier has more than 1,000,000 parameters for vocab_size 1000: keep to the budget",
    )


def test_padding_does_not_change_the_logits(student):
    """a sequence's logits do not depend on extra padding or on its batch-mates"""
    m = model(student)
    seqs = sequences(seed=1)
    batch = logits_of(m, seqs)
    padded = logits_of(m, seqs, extra=7)
    hint = (
        "padding changed the logits: the summary of a sequence must ignore padded positions "
        "(pack the batch or take the LSTM output at lengths - 1; for a transformer, use the "
        "key padding mask and a masked mean)"
    )
    check(torch.allclose(batch.double(), padded.double(), atol=1e-4, rtol=1e-4), hint)
    for i, s in enumerate(seqs):
        alone = logits_of(m, [s])
        check(torch.allclose(alone[0].double(), batch[i].double(), atol=1e-4, rtol=1e-4), hint)
    again = logits_of(m, seqs)
    check(torch.allclose(again, batch), "in eval mode the same input must give the same logits")
