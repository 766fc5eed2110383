"""Hidden tests for predict."""

import torch

from dlnlp.testing import Mistake, check

from .lab import pad
from .test_TextClassifier import sequences


def test_eval_mode_and_the_models_argmax(student):
    """runs the model in eval mode (dropout off) and returns its argmax per sequence, in order"""
    student.seed(0)
    m = student.keep.TextClassifier(40, 3, dropout=0.5)
    m.method("train")  # as a model is after training
    m.probe("watch_modes")
    seqs = sequences(seed=2, n=40)
    got = student.predict(m, seqs, batch_size=7)
    modes = m.probe("mode_report")
    check(modes["passes"] > 0, "predict never ran the model")
    if modes["eval"] < modes["passes"]:  # some pass had a module (dropout) in train mode
        raise Mistake(
            "predict runs the model in training mode, so dropout is still on: call model.eval() first"
        )
    check(isinstance(got, torch.Tensor), "predict must return a tensor of class ids")
    check(
        got.shape == (40,),
        f"predict must return one class per sequence, shape (N,), got {tuple(got.shape)}",
    )
    check(got.dtype == torch.long, f"predict must return int64 class ids, got {got.dtype}")
    m.method("eval")
    ids, lengths = pad(seqs)
    expected = m(ids, lengths).argmax(-1)
    check(
        torch.equal(got, expected),
        "predict must return the argmax of the model's logits for each sequence, in the given order",
    )


def test_order_and_batch_size_do_not_matter(student):
    """the predictions follow the input order and do not depend on batch_size"""
    student.seed(1)
    m = student.keep.TextClassifier(40, 4)
    seqs = sequences(seed=3, n=25)
    whole = student.predict(m, seqs)
    check(
        isinstance(whole, torch.Tensor) and whole.shape == (25,),
        "predict must return a tensor (N,)",
    )
    one_by_one = student.predict(m, seqs, batch_size=1)
    check(
        isinstance(one_by_one, torch.Tensor) and torch.equal(whole, one_by_one),
        "the predictions changed with batch_size: batch the sequences in order and pad each batch",
    )
    backwards = student.predict(m, seqs[::-1], batch_size=4)
    check(
        isinstance(backwards, torch.Tensor) and torch.equal(backwards, whole.flip(0)),
        "the predictions must come back in the order of the sequences given",
    )
