"""Make the `transformers` assignment's source checkpoint: the notebook's Encoder trained on the
labelled source reviews (products and restaurants), for fine-tuning on films.

What it writes (into assignments/transformers/data/, released with the assignment)
-------------------------------------------------------------------------------------
* ``vocab.txt``: the tokens, one per line, the line number being the id: ``[PAD]`` (0),
  ``[UNK]`` (1), then every word of the released splits (source_train, target_train,
  target_val), most frequent first, ties in alphabetical order. The hidden test split adds none:
  its unseen words are ``[UNK]``.
* ``source_encoder.safetensors``: the Encoder's state dict (autograder/transformers/encoder.py,
  the class the notebook gives), float32, about 140 KB, with the Encoder's arguments as JSON in the
  header's metadata (key ``encoder``).

How
---
Supervised pretraining on the 3000 source labels only: a linear head on the Encoder's pooled
features, cross-entropy, Adam (lr 2e-3), minibatches of 32 in an order drawn from a seeded
generator, EPOCHS epochs, dropout 0.1, seed 0, about 10 s. The head is thrown away: fine-tuning
trains a new one on the film labels. Film words are in the vocabulary, but no source review uses
them, so their embeddings stay the random ones the training started from (Adam moves no row
whose gradient was always zero): what the film labels must teach when the encoder is unfrozen.

(Masked-LM pretraining on unlabelled film text was tried first: with this budget its features
were worse for films, 0.58 frozen, than the supervised ones, 0.68.)

Reproducible byte for byte: one CPU thread, torch's deterministic algorithms, the pinned torch
build; tests/test_transformers_transfer.py regenerates both files and compares them. From the
repository root::

    .venv/bin/python autograder/nlp_lab/data/make_checkpoint.py
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections import Counter
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch import nn

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = ROOT / "assignments" / "transformers" / "data"
SPECIAL = ("[PAD]", "[UNK]")
SPLITS = ("source_train", "target_train", "target_val")
CONFIG = {"d_model": 32, "num_heads": 4, "num_layers": 2, "max_len": 64}
SEED, EPOCHS, LR, BATCH = 0, 6, 2e-3, 32


def encoder_module():
    """autograder/transformers/encoder.py: the given Encoder and readers (one copy of them)."""
    path = ROOT / "autograder" / "transformers" / "encoder.py"
    spec = importlib.util.spec_from_file_location("transfer_encoder", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(path: Path) -> list[tuple[int, list[str]]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return [(int(y), text.split()) for y, text in rows]


def vocabulary(data_dir: Path) -> list[str]:
    counts = Counter(w for s in SPLITS for _, t in read(data_dir / f"{s}.tsv") for w in t)
    return [*SPECIAL, *sorted(counts, key=lambda w: (-counts[w], w))]


def pretrain(ids: torch.Tensor, labels: torch.Tensor, vocab_size: int) -> dict[str, torch.Tensor]:
    """The Encoder trained with a linear head on (ids, labels); -> its state dict."""
    torch.manual_seed(SEED)
    encoder = encoder_module().Encoder(vocab_size, **CONFIG)
    head = nn.Linear(CONFIG["d_model"], 2)
    opt = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=LR)
    g = torch.Generator().manual_seed(SEED)
    encoder.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(ids), generator=g)
        for start in range(0, len(ids) - BATCH + 1, BATCH):
            batch = order[start : start + BATCH]
            loss = F.cross_entropy(head(encoder(ids[batch])), labels[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return {k: v.detach().contiguous() for k, v in encoder.state_dict().items()}


def make(data_dir: Path = PUBLIC, out_dir: Path = PUBLIC) -> tuple[Path, Path]:
    """Write vocab.txt and source_encoder.safetensors into out_dir from the splits in data_dir."""
    torch.set_num_threads(1)  # one thread, deterministic kernels: the same bytes on every run
    torch.use_deterministic_algorithms(True)
    vocab = vocabulary(data_dir)
    index = {w: i for i, w in enumerate(vocab)}
    ids, labels = encoder_module().read_reviews(data_dir / "source_train.tsv", index)
    state = pretrain(ids, labels, len(vocab))
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab_path = out_dir / "vocab.txt"
    vocab_path.write_text("".join(f"{w}\n" for w in vocab), encoding="utf-8")
    # one metadata key: safetensors writes several in no fixed order (a Rust HashMap)
    meta = {"encoder": json.dumps({"vocab_size": len(vocab), **CONFIG}, sort_keys=True)}
    weights = out_dir / "source_encoder.safetensors"
    save_file(state, weights, metadata=meta)
    return vocab_path, weights


if __name__ == "__main__":
    start = time.monotonic()
    paths = make()
    print(
        f"wrote {', '.join(str(p.relative_to(ROOT)) for p in paths)} in {time.monotonic() - start:.1f} s"
    )
