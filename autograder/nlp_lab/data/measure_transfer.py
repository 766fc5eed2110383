"""Is transfer worth something on the domain reviews? A bag-of-words check, not part of the suite.

A logistic regression on word presence (binary bag of words over the training texts' words) is
trained on the source reviews only, on the few target labels only, and on both, then scored on
the target test split, for 5 seeds (the seed draws the minibatches; the weights start at zero).
"Both" is the source run continued on the target labels (pretrain, then fine-tune), and also the
two pooled with the target labels drawn as often as the source ones. A last row, trained on the
500 labelled target_val reviews, shows what many target labels reach (a ceiling, not transfer).

With ``--draws`` it also scores 5 other draws of the few target labels (fresh streams of the
generator, none of them a shipped text), seed 0 each: is the shipped target_train a typical draw?

The generator's rates (OWN_WORD_RATE, FLIP_RATE, ...) were tuned until source-only is clearly
above chance but clearly below both, and target-only is clearly below both. From the repository
root::

    .venv/bin/python autograder/nlp_lab/data/measure_transfer.py [--draws] [FOLDER]

FOLDER (all four splits in one place) defaults to the shipped files: the released splits in
assignments/transformers/data/, the hidden test split in autograder/transformers/data/.
"""

from __future__ import annotations

import importlib.util
import random
import statistics
import sys
from pathlib import Path

import torch

SEEDS = [0, 1, 2, 3, 4]
STEPS, BATCH, LR = 600, 32, 0.05


def read(path: Path) -> list[tuple[int, list[str]]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return [(int(y), text.split()) for y, text in rows]


def features(rows, vocab: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.zeros(len(rows), len(vocab))
    for i, (_, words) in enumerate(rows):
        for w in words:
            if w in vocab:
                x[i, vocab[w]] = 1.0
    return x, torch.tensor([float(y) for y, _ in rows])


def train(model, pools, steps: int, gen: torch.Generator) -> None:
    """Adam on minibatches drawn with replacement, an equal share from each (x, y) pool."""
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    share = BATCH // len(pools)
    for _ in range(steps):
        xs, ys = [], []
        for x, y in pools:
            idx = torch.randint(len(x), (share,), generator=gen)
            xs.append(x[idx])
            ys.append(y[idx])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            model(torch.cat(xs)).squeeze(-1), torch.cat(ys)
        )
        opt.zero_grad()
        loss.backward()
        opt.step()


def accuracy(model, x, y) -> float:
    with torch.no_grad():
        return ((model(x).squeeze(-1) > 0).float() == y).float().mean().item()


def run(data: dict[str, list], seed: int) -> dict[str, float]:
    """Accuracy on target_test of each training plan; the vocabulary is every training word."""
    train_splits = ("source_train", "target_train", "target_val")
    words = sorted({w for s in train_splits for _, t in data[s] for w in t})
    vocab = {w: i for i, w in enumerate(words)}
    src, tgt, val = (features(data[s], vocab) for s in train_splits)
    test = features(data["target_test"], vocab)
    out = {}
    plans = {
        "source only": [(src,)],
        "target only": [(tgt,)],
        "source, then target": [(src,), (tgt,)],
        "pooled": [(src, tgt)],
        "target val (ceiling)": [(val,)],
    }
    for name, stages in plans.items():
        gen = torch.Generator().manual_seed(seed)
        model = torch.nn.Linear(len(vocab), 1)
        with torch.no_grad():  # zero, so that a word the plan never trained on weighs nothing
            model.weight.zero_()
            model.bias.zero_()
        for pools in stages:
            train(model, pools, STEPS, gen)
        out[name] = accuracy(model, *test)
    return out


def other_draws(data: dict[str, list], n_draws: int = 5) -> list[list[tuple[int, list[str]]]]:
    """Other sets of target labels, as many as target_train, from fresh streams of the generator."""
    here = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location("make_datasets", here / "make_datasets.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    seen = {" ".join(t) for rows in data.values() for _, t in rows}
    domains, n = gen.TRANSFER_SPLITS["target_train"]
    draws = []
    for k in range(1, n_draws + 1):
        rng = random.Random(gen.SEED * 100 + gen.STREAM[("domains", "target_train")] + 1000 * k)
        rows = gen.make_transfer_reviews(rng, domains, n, set(seen))
        draws.append([(y, t.split()) for y, t in rows])
    return draws


def show(title: str, runs: list[dict[str, float]]) -> None:
    print(title)
    for name in runs[0]:
        accs = [r[name] for r in runs]
        print(
            f"{name:>20}: mean {statistics.mean(accs):.3f}  min {min(accs):.3f}  "
            f"max {max(accs):.3f}  ({' '.join(f'{a:.3f}' for a in accs)})"
        )


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--draws"]
    root = Path(__file__).resolve().parents[3]
    public, hidden = root / "assignments/transformers/data", root / "autograder/transformers/data"
    if args:
        public = hidden = Path(args[0])
    splits = ("source_train", "target_train", "target_val", "target_test")
    data = {s: read((hidden if s == "target_test" else public) / f"{s}.tsv") for s in splits}
    runs = [run(data, seed) for seed in SEEDS]
    show(f"target test accuracy, bag-of-words logistic regression, seeds {SEEDS}", runs)
    if "--draws" in sys.argv:
        runs = [run({**data, "target_train": d}, 0) for d in other_draws(data)]
        show("the same on 5 other draws of the target labels, seed 0", runs)


if __name__ == "__main__":
    main()
