"""The end-to-end half of the nlp_lab hidden tests: data, training runs and held-out scores.

Trusted side only. The student's model and training loop run in the worker; this module sends
them the public training split, then scores the trained model on the hidden test split itself
(the student's code never sees the test labels, and the test text only as model input).

The grader's own preprocessing is fixed and minimal, so that a mistake in the student's
tokenizer or vocabulary costs points there, not here: the data files are already lower-cased
and tokenized (tokens separated by spaces), and the vocabulary is every training token.
"""

from __future__ import annotations

import functools
import math
import time
from pathlib import Path

import torch

from dlnlp.testing import Mistake, check

HERE = Path(__file__).resolve().parent
HIDDEN = HERE / "data"  # the test splits: never sent to students
PUBLIC = HERE.parents[1] / "assignments" / "nlp_lab" / "data"  # the released train/val splits

GRADING_SEED = 0  # the seed every submission is trained with

# Held-out score thresholds: no credit at the first, full credit at the second, linear between.
# Set from the reference over seeds 0-4 (tests/test_nlp_lab.py checks the margin): accuracy
# 0.942-0.951, perplexity 7.2-7.3. No credit where a bag of words is (accuracy 0.72) or a model
# far from the reference's perplexity (a unigram model scores 179). Full credit at 0.85, not
# higher: a plain transformer encoder (a choice the lab allows) reaches 0.76-0.84 in the budget.
ACCURACY = (0.70, 0.85)
PERPLEXITY = (40.0, 12.0)  # lower is better

# The budget every submission trains with (the defaults of the docstrings).
CLASSIFIER_RUN = {"epochs": 4, "lr": 3e-3, "batch_size": 32}
LM_RUN = {"seq_len": 32, "epochs": 4, "lr": 1e-2, "batch_size": 32}
PAD, UNK = 0, 1


def _vocab(token_lists: list[list[str]]) -> dict[str, int]:
    vocab = {"<pad>": PAD, "<unk>": UNK}
    for tokens in token_lists:
        for t in tokens:
            vocab.setdefault(t, len(vocab))
    return vocab


def _ids(tokens: list[str], vocab: dict[str, int]) -> list[int]:
    return [vocab.get(t, UNK) for t in tokens]


def _reviews(path: Path) -> list[tuple[list[str], int]]:
    rows = []
    for line in path.read_text().splitlines():
        label, text = line.split("\t", 1)
        rows.append((text.split(), int(label)))
    return rows


@functools.cache
def reviews() -> tuple[int, list[tuple[list[int], int]], list[tuple[list[int], int]]]:
    """(vocabulary size, training examples, hidden test examples) as (ids, label) pairs."""
    train = _reviews(PUBLIC / "reviews_train.tsv")
    test = _reviews(HIDDEN / "reviews_test.tsv")
    vocab = _vocab([tokens for tokens, _ in train])
    return (
        len(vocab),
        [(_ids(t, vocab), y) for t, y in train],
        [(_ids(t, vocab), y) for t, y in test],
    )


@functools.cache
def corpus() -> tuple[int, list[int], list[int]]:
    """(vocabulary size, training stream, hidden test stream) of token ids."""
    train = (PUBLIC / "corpus_train.txt").read_text().split()
    test = (HIDDEN / "corpus_test.txt").read_text().split()
    vocab = _vocab([train])
    return len(vocab), _ids(train, vocab), _ids(test, vocab)


def pad(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences -> (ids (B, T) padded with 0 at the end, lengths (B,))."""
    lengths = torch.tensor([len(s) for s in sequences])
    ids = torch.zeros(len(sequences), int(lengths.max()), dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, lengths


def windows(stream: list[int], seq_len: int) -> torch.Tensor:
    """Evaluation windows (n, seq_len + 1), overlapping by one token, the last padded with 0."""
    n = max(1, math.ceil((len(stream) - 1) / seq_len))
    out = torch.zeros(n, seq_len + 1, dtype=torch.long)
    for k in range(n):
        piece = stream[k * seq_len : k * seq_len + seq_len + 1]
        out[k, : len(piece)] = torch.tensor(piece)
    return out


def check_losses(losses, epochs: int, fn: str, first_max: float) -> list[float]:
    check(
        isinstance(losses, (list, tuple)),
        f"{fn} must return a list of floats, one mean loss per epoch, not a {type(losses).__name__}",
    )
    check(len(losses) == epochs, f"{fn} must return one mean loss per epoch (`epochs` values)")
    check(
        all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in losses),
        "each loss must be a Python float: accumulate loss.item(), not the tensor",
    )
    check(all(math.isfinite(v) for v in losses), f"{fn} returned a nan or infinite loss")
    check(
        losses[0] <= first_max,
        f"{fn}'s first epoch loss is far above that of an untrained model: return the mean of "
        "the epoch's batch losses, not their sum",
    )
    return [float(v) for v in losses]


def check_same_losses(a: list[float], b: list[float], how: str) -> None:
    """Two runs with the same seed must give the same losses (`how`: what the loop must seed)."""
    check(
        all(abs(x - y) <= 1e-5 * max(1.0, abs(x)) for x, y in zip(a, b, strict=True)),
        f"two runs with the same seed gave different losses: call torch.manual_seed(seed) first {how}",
    )


def check_gradients_zeroed(model, fn: str) -> None:
    report = model.probe("gradient_report")
    check(report["gradients"] > 0, f"{fn} never backpropagated through the model's parameters")
    check(
        report["stale"] == 0,
        f"{fn} lets gradients accumulate from one step into the next: zero them "
        "(optimizer.zero_grad()) before every backward pass",
    )


def check_train_mode(model, fn: str) -> None:
    modes = model.probe("mode_report")
    check(bool(modes), f"{fn} never ran the model")
    check(
        sum(modes) >= 0.9 * len(modes),
        f"{fn} trains the model in eval mode: call model.train() before the training loop "
        "(the model may arrive in eval mode, e.g. after predict)",
    )


def _train(
    student, model, fn: str, data, seed: int, reseed: int | None, run: dict, first_max: float
):
    """Train a kept model with the student's loop `fn`, watched by the kit's probes."""
    model.method("eval")  # the loop must put it in training mode itself
    model.probe("watch_gradients")
    model.probe("watch_modes")
    if reseed is not None:  # the loop must seed itself: the global generator is elsewhere now
        student.seed(reseed)
    start = time.monotonic()
    losses = getattr(student, fn)(model, data, seed=seed, **run)
    seconds = time.monotonic() - start
    losses = check_losses(losses, run["epochs"], fn, first_max)
    check_gradients_zeroed(model, fn)
    check_train_mode(model, fn)
    return model, losses, seconds


def train_classifier(
    student, seed: int = GRADING_SEED, examples=None, reseed: int | None = None, **run
):
    """Build the student's TextClassifier and train it with their loop. -> (model, losses, s)."""
    vocab_size, train, _ = reviews()
    student.seed(seed)
    model = student.keep.TextClassifier(vocab_size, 2)
    data = train if examples is None else examples
    run = {**CLASSIFIER_RUN, **run}
    return _train(student, model, "train_classifier", data, seed, reseed, run, 1.5 * math.log(2))


def held_out_accuracy(model, batch_size: int = 250) -> float:
    """Accuracy of a kept classifier on the hidden test split, computed here (eval mode)."""
    _, _, test = reviews()
    model.method("eval")
    correct = 0
    for start in range(0, len(test), batch_size):
        chunk = test[start : start + batch_size]
        ids, lengths = pad([s for s, _ in chunk])
        logits = model(ids, lengths)
        check(
            isinstance(logits, torch.Tensor) and logits.shape == (len(chunk), 2),
            "TextClassifier's forward must return logits of shape (B, num_classes)",
        )
        labels = torch.tensor([y for _, y in chunk])
        correct += int((logits.argmax(-1) == labels).sum())
    return correct / len(test)


def train_language_model(
    student, seed: int = GRADING_SEED, stream=None, reseed: int | None = None, **run
):
    """Build the student's LanguageModel and train it with their loop. -> (model, losses, s)."""
    vocab_size, train, _ = corpus()
    student.seed(seed)
    model = student.keep.LanguageModel(vocab_size)
    data = train if stream is None else stream
    run = {**LM_RUN, **run}
    return _train(
        student, model, "train_language_model", data, seed, reseed, run, 1.5 * math.log(vocab_size)
    )


def check_causal(model, ids: torch.Tensor, vocab_size: int) -> None:
    """Logits at positions < T/2 must not change when later tokens do (eval mode)."""
    half = ids.shape[1] // 2
    other = ids.clone()
    g = torch.Generator().manual_seed(1)
    other[:, half:] = torch.randint(2, vocab_size, other[:, half:].shape, generator=g)
    # the altered text goes first: a model that remembered earlier inputs cannot have seen it
    a, b = model(other), model(ids)
    check(
        bool(torch.allclose(a[:, :half].double(), b[:, :half].double(), atol=1e-4, rtol=1e-4)),
        "the language model is not causal: its logits at position t change when later tokens "
        "change. It may only read ids[:, :t + 1] (an LSTM left to right, or a causal mask)",
    )


def held_out_perplexity(model, batch_windows: int = 48) -> float:
    """Perplexity of a kept language model on the hidden test stream, computed here."""
    vocab_size, _, test = corpus()
    model.method("eval")
    data = windows(test, LM_RUN["seq_len"])
    check_causal(model, data[:8, :-1], vocab_size)
    nll, count = 0.0, 0
    for start in range(0, len(data), batch_windows):
        chunk = data[start : start + batch_windows]
        inputs, targets = chunk[:, :-1], chunk[:, 1:]
        logits = model(inputs)
        check(
            isinstance(logits, torch.Tensor) and logits.shape == (*inputs.shape, vocab_size),
            "LanguageModel's forward must return logits of shape (B, T, vocab_size)",
        )
        check(bool(torch.isfinite(logits).all()), "the language model's logits contain nan or inf")
        real = targets != PAD
        logp = torch.log_softmax(logits.double(), dim=-1)
        picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        nll -= float(picked[real].sum())
        count += int(real.sum())
    return math.exp(nll / count)


def raise_if_copying(losses: list[float]) -> None:
    """A training loss near 0 with a poor held-out perplexity: the targets were not shifted."""
    if losses[-1] < 0.05:
        raise Mistake(
            "the training loss fell to almost 0 but the model cannot predict held-out text: the "
            "targets must be the inputs shifted by one (shift_targets), or the model learns to copy"
        )
