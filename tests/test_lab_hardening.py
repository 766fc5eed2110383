"""Can a lab submission get hidden data out, or points for what it did not do?

Three attacks on the lab's end-to-end tests (issue 12, points 2 and 4):
- exfiltration: a model that decodes the hidden split's ids (after learning the grader's ids
  from the order of the training data) and says what it read, in an error, a return value, or
  later in another function: no hidden text may reach any output;
- forged probes: a training loop that trains in eval mode or never zeroes the gradients, and
  rewrites what the kit's probes report: no training points;
- peeking: a language model that reads the next token at all positions but one: no perplexity.

The probes and the causality check are first attacked directly, in this process (fast, and
apart from any static policy on the submission's code); then whole submissions are graded.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from conftest import COURSE, full_marks, function_scores, grade_notebooks, solved, with_code
from dlnlp.sandbox import probes
from dlnlp.sandbox import worker as sandbox_worker
from dlnlp.testing import Mistake

PUBLIC = COURSE.source_notebook("nlp_lab").parent / "data"
HIDDEN = COURSE.hidden_tests("nlp_lab") / "data"


# ---- the probes, attacked in this process --------------------------------------------------


class Net(nn.Module):
    """A small model with dropout in a submodule, like the lab's."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5))
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        return self.head(self.body(x))


def run_loop(model, steps=6, train_mode=True, zero_grad=True, between=None):
    """A training loop as a student writes it; `between(model, step)` runs after each step."""
    optimizer = torch.optim.SGD(nn.Module.parameters(model), lr=0.1)
    model.train(train_mode)
    g = torch.Generator().manual_seed(0)
    for step in range(steps):
        if zero_grad:
            optimizer.zero_grad()
        model(torch.randn(5, 4, generator=g)).sum().backward()
        optimizer.step()
        if between:
            between(model, step)


def watched(model):
    model.eval()  # as the grader hands it over
    probes.watch_gradients(model)
    probes.watch_modes(model)
    return model


def reports(model):
    return probes.gradient_report(model), probes.mode_report(model)


def test_honest_loop_is_seen_as_it_ran():
    """Does an honest loop report one backward pass per step, all in train mode, none stale?"""
    model = watched(Net())
    run_loop(model)
    grads, modes = reports(model)
    assert grads["steps"] == 6 and grads["stale"] == 0
    assert modes["trained"] == modes["trained_train"] == 6


def test_eval_mode_and_accumulated_gradients_are_seen():
    model = watched(Net())
    run_loop(model, train_mode=False, zero_grad=False)
    grads, modes = reports(model)
    assert grads["stale"] > 0 and modes["trained_eval"] == 6 and modes["trained_train"] == 0


class OverridesEverything(Net):
    """Its own train() keeps every module in eval mode; hook registration and parameters()
    are no-ops or lies."""

    def train(self, mode=True):
        return super().train(False)

    def register_forward_pre_hook(self, *args, **kwargs):
        return None

    def register_forward_hook(self, *args, **kwargs):
        return None

    def parameters(self, recurse=True):
        return iter([self.head.bias])


class TrainingProperty(Net):
    """`training` is a property that always says True."""

    training = property(lambda self: True, lambda self, value: None)


def test_overridden_methods_do_not_hide_eval_mode():
    """Do overridden train/register_*_hook/parameters leave the probes seeing eval mode?"""
    model = watched(OverridesEverything())
    run_loop(model, zero_grad=False)
    grads, modes = reports(model)
    assert modes["trained"] == 6 and modes["trained_train"] == 0
    assert grads["steps"] == 6 and grads["stale"] > 0  # every parameter, not just head.bias


def test_a_training_property_is_not_train_mode():
    model = watched(TrainingProperty())
    run_loop(model)
    _, modes = reports(model)
    assert modes["trained"] == 6 and modes["trained_train"] == 0


def test_calling_the_hooks_by_hand_adds_nothing():
    """Do hooks called by student code (in train mode, with a fake gradient) count? No."""

    def forge(model, step):
        model.training = True
        for hook in [*model._forward_pre_hooks.values(), *model._forward_hooks.values()]:
            for _ in range(50):
                try:
                    hook(model, (torch.zeros(1, 4),))
                except TypeError:
                    hook(model, (torch.zeros(1, 4),), torch.zeros(1, 2, requires_grad=True))
        for p in nn.Module.parameters(model):
            for hook in (p._backward_hooks or {}).values():
                hook(torch.zeros_like(p))
        model.training = False

    model = watched(Net())
    run_loop(model, train_mode=False, between=forge)
    grads, modes = reports(model)
    assert modes["trained"] == 6 and modes["trained_train"] == 0
    assert modes["passes"] == 6 and grads["steps"] == 6


def test_removing_the_hooks_loses_counts():
    """A loop that strips the hooks after one step leaves counts short of the budget."""

    def strip(model, step):
        model._forward_pre_hooks.clear()
        model._forward_hooks.clear()
        for p in nn.Module.parameters(model):
            if p._backward_hooks:
                p._backward_hooks.clear()

    model = watched(Net())
    run_loop(model, train_mode=False, zero_grad=False, between=strip)
    grads, modes = reports(model)
    assert grads["steps"] == 1 and modes["trained"] == 1  # the grader expects 6


def test_a_call_that_skips_the_hooks_is_not_a_pass():
    class OwnCall(Net):
        def __call__(self, x):
            return self.forward(x)

    model = watched(OwnCall())
    run_loop(model)
    _, modes = reports(model)
    assert modes["passes"] == modes["trained"] == 0


def test_the_probe_module_cannot_be_rebound():
    """Is `probes.mode_report = forged` refused, and a rebinding through vars() ignored by
    the worker (which bound its probes before any student code loaded)?"""
    session = sandbox_worker.Session()  # made before the notebook's code loads
    model = watched(Net())
    run_loop(model, train_mode=False)
    forged = lambda *a, **k: {"trained": 6, "trained_train": 6}  # noqa: E731
    with pytest.raises(AttributeError):
        probes.mode_report = forged
    original = vars(probes)["mode_report"]
    try:
        vars(probes)["mode_report"] = forged
        report = session.probes["mode_report"](model)
    finally:
        vars(probes)["mode_report"] = original
    assert report["trained_eval"] == 6 and report["trained_train"] == 0


# ---- the causality check, attacked in this process -----------------------------------------


class Local:
    """A stand-in for a kept model's Remote: the model runs here."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model.eval()

    def __call__(self, ids):
        with torch.no_grad():
            return self.model(ids)

    def probe(self, name, *args):
        return probes.table()[name](self.model, *args)


class Peeking(nn.Module):
    """An LSTM language model that also reads token t + 1 at the positions `peek(T)` gives."""

    def __init__(self, vocab: int, peek) -> None:
        super().__init__()
        self.embed, self.lstm = nn.Embedding(vocab, 16), nn.LSTM(16, 16, batch_first=True)
        self.next, self.head, self.peek = nn.Embedding(vocab, 16), nn.Linear(16, vocab), peek

    def forward(self, ids):
        h, _ = self.lstm(self.embed(ids))
        ahead = torch.zeros_like(h)
        for t in self.peek(ids.shape[1]):
            if t + 1 < ids.shape[1]:
                ahead[:, t] = self.next(ids[:, t + 1])
        return self.head(h + ahead)


class Remembering(Peeking):
    """Peeks at the next token when the input holds it, else at what an earlier call sent."""

    def __init__(self, vocab: int) -> None:
        super().__init__(vocab, lambda T: range(T))
        self.seen: dict[tuple, int] = {}

    def forward(self, ids):
        h, _ = self.lstm(self.embed(ids))
        ahead = torch.zeros_like(h)
        for b, row in enumerate(ids.tolist()):
            for t in range(len(row) - 1):
                self.seen[tuple(row[: t + 1])] = row[t + 1]
            for t in range(len(row)):
                after = self.seen.get(tuple(row[: t + 1]))
                if after is not None:
                    ahead[b, t] = self.next(torch.tensor(after))
        return self.head(h + ahead)


def causal(model, vocab=30):
    torch.manual_seed(0)
    ids = torch.randint(2, vocab, (6, 12), generator=torch.Generator().manual_seed(2))
    from autograder.nlp_lab.lab import check_causal

    check_causal(Local(model), ids, vocab)


@pytest.mark.parametrize(
    "peek",
    [lambda T: range(T - 2), lambda T: range(0, T, 2), lambda T: [T - 2], lambda T: [0]],
    ids=["all-but-the-last", "even-positions", "only-the-last", "only-the-first"],
)
def test_a_model_that_peeks_at_any_one_position_is_not_causal(peek):
    with pytest.raises(Mistake, match="not causal"):
        causal(Peeking(30, peek))


def test_remembering_earlier_inputs_does_not_help():
    """The prefixes go shortest first and the whole rows last: memory never holds the future."""
    with pytest.raises(Mistake, match="not causal"):
        causal(Remembering(30))


def test_causal_models_pass():
    causal(Peeking(30, lambda T: []))
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)

    class Masked(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed, self.encoder, self.head = nn.Embedding(30, 16), layer, nn.Linear(16, 30)

        def forward(self, ids):
            mask = nn.Transformer.generate_square_subsequent_mask(ids.shape[1])
            return self.head(self.encoder(self.embed(ids), src_mask=mask, is_causal=True))

    causal(Masked())


# ---- whole submissions ---------------------------------------------------------------------


def first_appearance(path: Path, column: int | None = None) -> list[str]:
    """The public file's distinct tokens in order of first appearance (what an attacker aligns
    the grader's ids with: the k-th new id of the training data is the k-th new token)."""
    lines = path.read_text().splitlines()
    tokens = [
        t for line in lines for t in (line.split("\t", 1)[column] if column else line).split()
    ]
    return list(dict.fromkeys(t for t in tokens if t not in ("<pad>", "<unk>")))


def exfiltration() -> str:
    review_words = first_appearance(PUBLIC / "reviews_train.tsv", 1)
    corpus_words = first_appearance(PUBLIC / "corpus_train.txt")
    return f'''
from pathlib import Path

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

REVIEW_WORDS = {review_words!r}
CORPUS_WORDS = {corpus_words!r}


class Leak:
    """Learns the grader's ids from the training data, decodes hidden ids, keeps what it read."""

    maps = {{"reviews": {{}}, "corpus": {{}}}}
    stash = []
    paths = ["leak.txt", "../leak.txt", "/tmp/leak.txt", "/dev/shm/leak.txt", "/var/tmp/leak.txt"]

    @staticmethod
    def learn(kind, id_lists, words):
        known = Leak.maps[kind]
        for ids in id_lists:
            for i in ids:
                if i >= 2 and i not in known and len(known) < len(words):
                    known[i] = words[len(known)]

    @staticmethod
    def spill(kind, rows):
        known = Leak.maps[kind]
        text = " | ".join(" ".join(known.get(i, "?") for i in row if i) for row in rows)
        Leak.stash.append(text)
        for path in Leak.paths:  # the scratch folder (the working directory), and beyond
            try:  # (through pathlib: the builtin open is refused by the code policy)
                with Path(path).open("a") as f:
                    f.write(text + "\\n")
            except OSError:
                pass
        return "LEAK " + text

    @staticmethod
    def stashed():
        found = list(Leak.stash)
        for path in Leak.paths:
            try:
                found.append(Path(path).read_text())
            except OSError:
                pass
        return " | ".join(found)


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, num_classes)

    def forward(self, ids, lengths):
        if not self.training and Leak.maps["reviews"]:
            raise ValueError(Leak.spill("reviews", ids.tolist()))
        x = self.dropout(self.embed(ids))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.encoder(packed)
        return self.head(self.dropout(h_n[-1]))


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    Leak.learn("reviews", [ids for ids, _ in examples], REVIEW_WORDS)
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        order = torch.randperm(len(examples)).tolist()
        total, batches = 0.0, 0
        for start in range(0, len(order), batch_size):
            ids, lengths, labels = collate([examples[i] for i in order[start : start + batch_size]])
            optimizer.zero_grad()
            loss = loss_fn(model(ids, lengths), labels)
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        epoch_losses.append(total / batches)
    return epoch_losses


def accuracy(predictions, labels):
    if Leak.stashed():
        raise ValueError("LATER " + Leak.stashed())
    return (predictions == labels).float().mean().item()


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, vocab_size)

    def forward(self, ids):
        if not self.training and Leak.maps["corpus"]:
            return Leak.spill("corpus", ids.tolist())  # a message where the logits should be
        outputs, _ = self.encoder(self.dropout(self.embed(ids)))
        return self.head(self.dropout(outputs))


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    if Leak.stashed():
        raise ValueError("LATER " + Leak.stashed())
    Leak.learn("corpus", [stream], CORPUS_WORDS)
    torch.manual_seed(seed)
    windows = lm_windows(stream, seq_len)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    epoch_losses = []
    for _ in range(epochs):
        order = torch.randperm(len(windows))
        total, batches = 0.0, 0
        for start in range(0, len(order), batch_size):
            inputs, targets = shift_targets(windows[order[start : start + batch_size]])
            optimizer.zero_grad()
            loss = lm_loss(model(inputs), targets)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        epoch_losses.append(total / batches)
    return epoch_losses


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    raise ValueError("LATER " + Leak.stashed())
'''


CONTROL = """
REVIEW_WORDS = {words!r}


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    known = {{}}
    for ids, _ in examples:
        for i in ids:
            if i >= 2 and i not in known:
                known[i] = REVIEW_WORDS[len(known)]
    raise ValueError("LEAK " + " ".join(known[i] for i in examples[0][0]))
"""

REBINDS_PROBES = """
import importlib
import torch
from torch import nn


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    kit = importlib.import_module("dlnlp.sandbox." + "probes")
    big = 10**6
    vars(kit)["mode_report"] = lambda m, clear=True: {
        "passes": big, "train": big, "eval": 0, "mixed": 0,
        "trained": big, "trained_train": big, "trained_eval": 0, "trained_mixed": 0,
    }
    vars(kit)["gradient_report"] = lambda m: {"gradients": big, "stale": 0, "steps": big}
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.eval()  # trains in eval mode, never zeroes the gradients
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(examples)).tolist()
        total, batches = 0.0, 0
        for start in range(0, len(order), batch_size):
            ids, lengths, labels = collate([examples[i] for i in order[start : start + batch_size]])
            loss = nn.functional.cross_entropy(model(ids, lengths), labels)
            loss.backward()
            optimizer.step()
            total, batches = total + loss.item(), batches + 1
        losses.append(total / batches)
    return losses
"""

OVERRIDES_MODEL = """
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, num_classes)

    def train(self, mode=True):  # always eval mode, whatever the loop asks
        return super().train(False)

    def register_forward_pre_hook(self, *args, **kwargs):
        return None

    def register_forward_hook(self, *args, **kwargs):
        return None

    def forward(self, ids, lengths):
        x = self.dropout(self.embed(ids))
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.encoder(packed)
        return self.head(self.dropout(h_n[-1]))
"""

PEEKING_LM = """
import torch
from torch import nn


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.ahead = nn.Embedding(vocab_size, hidden_dim)
        self.head = nn.Linear(hidden_dim, vocab_size)

    def forward(self, ids):
        outputs, _ = self.encoder(self.dropout(self.embed(ids)))
        T = ids.shape[1]
        peek = torch.zeros(T, dtype=torch.bool)
        peek[{positions}] = True
        peek[T - 1] = False  # there is no next token in the input there
        nxt = torch.cat([ids[:, 1:], ids[:, -1:]], dim=1)
        outputs = outputs + self.ahead(nxt) * peek[None, :, None]
        return self.head(self.dropout(outputs))
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(student -> Results, student -> every output file's text), three batches."""
    root = tmp_path_factory.mktemp("lab_hardening")
    words = first_appearance(PUBLIC / "reviews_train.tsv", 1)
    batches = [
        (
            {"reference": solved("nlp_lab"), "exfiltration": with_code("nlp_lab", exfiltration())},
            None,
        ),
        (
            {
                "control": with_code("nlp_lab", CONTROL.format(words=words)),
                "rebinds-probes": with_code("nlp_lab", REBINDS_PROBES),
                "overrides-model": with_code("nlp_lab", OVERRIDES_MODEL),
            },
            ["train_classifier"],
        ),
        (
            {
                "peeks-but-last": with_code("nlp_lab", PEEKING_LM.format(positions=":")),
                "peeks-even": with_code("nlp_lab", PEEKING_LM.format(positions="::2")),
            },
            ["train_language_model"],
        ),
    ]
    results, texts = {}, {}
    for i, (notebooks, only) in enumerate(batches):
        folder = root / str(i)
        results |= grade_notebooks("nlp_lab", notebooks, folder, only)
        shared = [
            folder / "out" / name for name in ("grades.csv", "grading.log", "student-ids.csv")
        ]
        for student in notebooks:
            files = [*shared, *(folder / "out" / student).iterdir()]
            texts[student] = "\n".join(readable(f) for f in files if f.is_file())
    return results, texts


def readable(path: Path) -> str:
    """A file's text as a reader sees it: HTML entities and JSON escapes undone."""
    text = path.read_text(errors="replace")
    if path.suffix == ".json":
        strings = []

        def walk(v):
            if isinstance(v, str):
                strings.append(v)
            elif isinstance(v, dict):
                [walk(x) for x in v.values()]
            elif isinstance(v, list):
                [walk(x) for x in v]

        walk(json.loads(text))
        text += "\n" + "\n".join(strings)
    return text + "\n" + html.unescape(text)


def ngrams(tokens: list[str], n: int = 6) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def public_ngrams() -> set[tuple[str, ...]]:
    out = set()
    for f in PUBLIC.glob("*_*.*"):
        for line in f.read_text().splitlines():
            out |= ngrams(line.split("\t", 1)[-1].split())
    return out


def hidden_ngrams() -> set[tuple[str, ...]]:
    """6-token runs of the hidden test splits that appear nowhere in the public data."""
    found = ngrams((HIDDEN / "corpus_test.txt").read_text().split())
    for line in (HIDDEN / "reviews_test.tsv").read_text().splitlines():
        found |= ngrams(line.split("\t", 1)[1].split())
    return found - public_ngrams()


def leaked(text: str, runs: set[tuple[str, ...]]) -> list[str]:
    tokens = re.split(r"[\s|]+", text)
    return [" ".join(g) for g in ngrams(tokens) & runs]


def test_decoding_works_where_no_hidden_data_is_held(graded):
    """The control: the same alignment decodes a training review and shows it (so the check
    below would see a leak, and the permutation alone does not stop one)."""
    results, texts = graded
    public = public_ngrams()
    assert leaked(texts["control"], public), texts["control"][:2000]
    assert function_scores(results["control"])["train_classifier"] == 0


def test_no_hidden_text_reaches_any_output(graded):
    """Errors, a message returned as logits, a stash raised later: nothing hidden comes out."""
    results, texts = graded
    runs = hidden_ngrams()
    assert len(runs) > 1000
    for student, text in texts.items():
        assert not leaked(text, runs), (student, leaked(text, runs)[:5])
    r = results["exfiltration"]
    outputs = {t.name: t.output for t in r.tests}
    failed = [name for name, out in outputs.items() if "held-out data" in out]
    assert any(n.startswith("train_classifier") for n in failed), outputs
    scores = function_scores(r)
    assert scores["train_classifier"] < full_marks(r)["train_classifier"]
    assert scores["train_language_model"] < full_marks(r)["train_language_model"]
    # the stash did not survive the retired worker: the functions graded later worked
    assert scores["accuracy"] == full_marks(r)["accuracy"], outputs


def test_reference_still_scores_full_marks(graded):
    r = graded[0]["reference"]
    assert r.score == r.max_score, [(t.name, t.output) for t in r.tests if t.status == "failed"]


@pytest.mark.parametrize("student", ["rebinds-probes", "overrides-model"])
def test_forged_probe_reports_earn_no_training_points(graded, student):
    """Training in eval mode (and, rebinding the probes, without zero_grad) while forging the
    probes' reports: no point for train_classifier, with the mistake named."""
    r = graded[0][student]
    assert function_scores(r)["train_classifier"] == 0
    outputs = " ".join([*(t.output for t in r.tests), *(n for f in r.functions for n in f.notes)])
    # the probes name the mistake (unless the static policy refused the code before it ran)
    named = ("eval mode", "accumulate", "fewer batches", "not allowed")
    assert any(words in outputs for words in named), outputs


@pytest.mark.parametrize("student", ["peeks-but-last", "peeks-even"])
def test_a_model_that_reads_the_next_token_gets_no_perplexity_credit(graded, student):
    r = graded[0][student]
    test = next(t for t in r.tests if "perplexity on the hidden" in t.name)
    assert test.score == 0 and "not causal" in test.output, test.output
