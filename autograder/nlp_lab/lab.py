"""The end-to-end half of the nlp_lab hidden tests: data, training runs and held-out scores.

Trusted side only. The student's model and training loop run in the worker; this module sends
them the public training split, then scores the trained model on the hidden test split itself
(the student's code never sees the test labels, and the test text only as model input).

The grader's own preprocessing is fixed and minimal, so that a mistake in the student's
tokenizer or vocabulary costs points there, not here: the data files are already lower-cased
and tokenized (tokens separated by spaces), and the vocabulary is every training token.

Hidden data never comes back (README, "Security"): every call that sends the test split runs
inside `student.holding_hidden_inputs()` (a failure there shows a fixed message, and the worker
that saw the data is retired), and the ids themselves carry no public meaning: the vocabulary's
ids 2..V-1 are permuted by a secret drawn once per grading process, the same permutation for
training and scoring. The permutation stops trivial decoding with the released vocabulary only:
a loop that aligns the (permuted) training stream with the public text recovers it, so what
keeps hidden text out of the feedback is the first rule.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import secrets
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
# 0.939-0.951, perplexity 7.1-7.5 (the secret id permutation moves them like a seed). No credit where a bag of words is (accuracy 0.72) or a model
# far from the reference's perplexity (a unigram model scores 179). Full credit at 0.85, not
# higher: a plain transformer encoder (a choice the lab allows) reaches 0.76-0.84 in the budget.
ACCURACY = (0.70, 0.85)
PERPLEXITY = (40.0, 12.0)  # lower is better

# The budget every submission trains with (the defaults of the docstrings).
CLASSIFIER_RUN = {"epochs": 4, "lr": 3e-3, "batch_size": 32}
LM_RUN = {"seq_len": 32, "epochs": 4, "lr": 1e-2, "batch_size": 32}
PAD, UNK = 0, 1


KEY_VARIABLE = "DLNLP_LAB_KEY"  # set it (any text) to reproduce one run's ids when debugging


def _draw_key() -> bytes:
    fixed = os.environ.get(KEY_VARIABLE)
    return hashlib.blake2b(fixed.encode()).digest()[:32] if fixed else secrets.token_bytes(32)


# The run's secret (the vocabulary permutation, the scoring orders), drawn on import: the batch's
# parent imports the hidden tests before it forks its grader processes, so every student of a
# batch gets the same ids.
_KEY = _draw_key()


def _secret_order(n: int, purpose: str) -> list[int]:
    """A permutation of range(n) that only the holder of _KEY can compute."""
    digest = [hashlib.blake2b(f"{purpose}:{i}".encode(), key=_KEY).digest() for i in range(n)]
    return sorted(range(n), key=digest.__getitem__)


def _generator(purpose: str) -> torch.Generator:
    seed = hashlib.blake2b(purpose.encode(), key=_KEY, digest_size=8).digest()
    return torch.Generator().manual_seed(int.from_bytes(seed, "little") >> 1)


def _vocab(token_lists: list[list[str]]) -> dict[str, int]:
    """Every token, in order of first appearance, given the ids 2..V-1 in a secret order."""
    tokens = list(dict.fromkeys(t for ts in token_lists for t in ts if t not in ("<pad>", "<unk>")))
    ids = [2 + i for i in _secret_order(len(tokens), "vocabulary")]
    return {"<pad>": PAD, "<unk>": UNK, **dict(zip(tokens, ids, strict=True))}


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


def check_gradients_zeroed(model, fn: str, steps: int) -> None:
    """The probe's gradient counts: `steps` backward passes at least (one per batch of the
    budget; a hook removed or bypassed loses counts), none onto an unzeroed gradient."""
    report = model.probe("gradient_report")
    check(report["gradients"] > 0, f"{fn} never backpropagated through the model's parameters")
    check(
        report["steps"] >= steps,
        f"{fn} backpropagated through the model's parameters on fewer batches than the budget "
        "has: for every batch of `batch_size`, in each of `epochs` epochs, compute the loss, "
        "call loss.backward() and step the optimiser",
    )
    check(
        report["stale"] == 0,
        f"{fn} lets gradients accumulate from one step into the next: zero them "
        "(optimizer.zero_grad()) before every backward pass",
    )


def check_train_mode(model, fn: str, steps: int) -> None:
    """The probe's mode counts: `steps` forward passes at least that a gradient reached, nearly
    all with the model and every submodule (dropout included) in train mode."""
    modes = model.probe("mode_report")
    check(modes["passes"] > 0, f"{fn} never ran the model")
    check(
        modes["trained"] >= steps,
        f"{fn} trained on the model's output for fewer batches than the budget has: run the "
        "model (model(...)) on every batch and backpropagate its loss",
    )
    check(
        modes["trained_train"] >= 0.9 * modes["trained"],
        f"{fn} trains the model in eval mode: call model.train() before the training loop "
        "(the model may arrive in eval mode, e.g. after predict)",
    )


def _train(
    student,
    model,
    fn: str,
    data,
    seed: int,
    reseed: int | None,
    run: dict,
    first_max: float,
    batches: int,
):
    """Train a kept model with the student's loop `fn`, watched by the kit's probes.

    `batches`: how many batches the budget has per epoch (the last, partial one not counted)."""
    model.method("eval")  # the loop must put it in training mode itself
    model.probe("watch_gradients")
    model.probe("watch_modes")
    if reseed is not None:  # the loop must seed itself: the global generator is elsewhere now
        student.seed(reseed)
    start = time.monotonic()
    losses = getattr(student, fn)(model, data, seed=seed, **run)
    seconds = time.monotonic() - start
    losses = check_losses(losses, run["epochs"], fn, first_max)
    steps = run["epochs"] * batches
    check_gradients_zeroed(model, fn, steps)
    check_train_mode(model, fn, steps)
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
    batches = len(data) // run["batch_size"]
    return _train(
        student, model, "train_classifier", data, seed, reseed, run, 1.5 * math.log(2), batches
    )


def check_deterministic(model, *inputs: torch.Tensor) -> None:
    """Two forward passes of the same rows agree: the model really is in eval mode."""
    a, b = model(*inputs), model(*inputs)
    check(
        isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and torch.equal(a, b),
        "in eval mode the same input must give the same logits: model.eval() must switch off "
        "dropout (keep the nn.Dropout modules registered as submodules)",
    )


def held_out_accuracy(student, model, batch_size: int = 250) -> float:
    """Accuracy of a kept classifier on the hidden test split, computed here (eval mode).

    The worker holds hidden reviews from here on: it is retired at the end, `model` with it."""
    _, _, test = reviews()
    with student.holding_hidden_inputs():
        model.method("eval")
        check_deterministic(model, *pad([s for s, _ in test[:8]]))
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
    batches = math.ceil((len(data) - 1) / run["seq_len"]) // run["batch_size"]
    return _train(
        student,
        model,
        "train_language_model",
        data,
        seed,
        reseed,
        run,
        1.5 * math.log(vocab_size),
        batches,
    )


def _shuffled(g: torch.Generator, rows: torch.Tensor, run) -> torch.Tensor:
    """run(rows) with the rows sent in a fresh random order (so that no row can count on which
    window its batch-mates are), its result put back in the order of `rows`."""
    order = torch.randperm(len(rows), generator=g)
    out = run(rows[order])
    return out[order.argsort()] if isinstance(out, torch.Tensor) and len(out) == len(rows) else out


def _logits(out, shape: tuple[int, ...]) -> torch.Tensor:
    check(
        isinstance(out, torch.Tensor) and out.shape == shape,
        "LanguageModel's forward must return logits of shape (B, T, vocab_size)",
    )
    return out


def causal_logits(
    model, ids: torch.Tensor, fillers: torch.Tensor, vocab_size: int, g: torch.Generator
) -> torch.Tensor:
    """The model's logits for `ids` (B, T), as float64, given only once they are shown to equal,
    at every position t < T - 1, the logits at t of a copy whose tokens after t are replaced.

    Copy t keeps ids[:, :t + 1] and takes its later tokens from random rows of `fillers` (real
    text: a copy looks like any other row). The copies go first, in order of t, the rows
    themselves last: when the model gives position t's logits in copy t it has never been sent
    token t + 1 of that row (rows are disjoint slices of the text; fillers are public), so a
    model that reads later tokens, or remembers what it was sent, cannot make the rows' logits
    agree. Only position t of copy t comes back (the `logits` probe): each position is checked
    against the copy that hides the most. Every call has the same shape (B, T), which keeps the
    worker's memory flat (many shapes fragment its address space).
    """
    batch, length = ids.shape
    fixed = torch.zeros(batch, length, vocab_size, dtype=torch.float64)
    for t in range(length - 1):
        rows = ids.clone()
        rows[:, t + 1 :] = fillers[torch.randint(len(fillers), (batch,), generator=g), t + 1 :]
        at_t = _shuffled(g, rows, lambda r, t=t: model.probe("logits", r, t))
        fixed[:, t] = _logits(at_t, (batch, vocab_size))
    whole = _shuffled(g, ids, lambda r: model.probe("logits", r))
    logits = _logits(whole, (batch, length, vocab_size)).double()
    check(
        bool(torch.isfinite(logits).all() and torch.isfinite(fixed).all()),
        "the language model's logits contain nan or inf",
    )
    check(
        bool(torch.allclose(logits[:, :-1], fixed[:, :-1], atol=1e-4, rtol=1e-4)),
        "the language model is not causal: its logits at position t change when later tokens "
        "change. It may only read ids[:, :t + 1] (an LSTM left to right, or a causal mask)",
    )
    return logits


def check_causal(model, ids: torch.Tensor, vocab_size: int) -> None:
    """causal_logits on `ids`, the replaced tokens drawn at random (eval mode)."""
    g = torch.Generator().manual_seed(1)
    fillers = torch.randint(2, vocab_size, (4 * len(ids), ids.shape[1]), generator=g)
    causal_logits(model, ids, fillers, vocab_size, g)


def held_out_perplexity(student, model, batch_windows: int = 160) -> float:
    """Perplexity of a kept language model on the hidden test stream, computed here, credited
    only when causal_logits holds on every window scored.

    The worker holds hidden text from here on: it is retired at the end, `model` with it."""
    vocab_size, train, test = corpus()
    data = windows(test, LM_RUN["seq_len"])
    data = data[_secret_order(len(data), "windows")]  # batch-mates in no telling order
    fillers = windows(train, LM_RUN["seq_len"])[:-1, :-1]  # whole windows of public text
    g = _generator("causality")
    nll, count = 0.0, 0
    with student.holding_hidden_inputs():
        model.method("eval")
        check_deterministic(model, data[:8, :-1])
        for start in range(0, len(data), batch_windows):
            chunk = data[start : start + batch_windows]
            inputs, targets = chunk[:, :-1], chunk[:, 1:]
            logits = causal_logits(model, inputs, fillers, vocab_size, g)
            real = targets != PAD
            logp = torch.log_softmax(logits, dim=-1)
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
