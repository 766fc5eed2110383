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

Reproducible within a tolerance, not byte for byte
--------------------------------------------------
One CPU thread, torch's deterministic algorithms and the pinned torch build give the same bytes
on one machine, but torch picks its vector kernels by CPU (``default``, ``avx2``, ``avx512``:
``ATEN_CPU_CAPABILITY`` forces each), and those sum floats in different orders. So `compare`
checks what the files are for, with bounds measured across the three kernel families and across
changes of the script or data (the README's transformers section has the table):

* ``vocab.txt`` and the header metadata: byte for byte (no float is involved);
* every tensor within WEIGHT_RTOL relative (L2) of the shipped one: kernel families differ by at
  most 6.4e-6, a changed script or data (one flipped label, one epoch less, lr 2.0e-3 -> 2.1e-3)
  by at least 0.1. The one exception is the key part of each ``in_proj_bias``: attention's
  softmax is unchanged by adding one number to every score of a query, and q . b_k is such a
  number, so that slice gets no gradient in exact arithmetic, only rounding noise, which Adam
  scales up to steps of about lr (0.008-0.013 apart between families). It is checked by
  behaviour instead;
* the Encoder's features of the 500 validation reviews (eval mode) within FEATURE_ATOL of the
  shipped weights' features: 2e-5 apart between families, at least 0.65 after such a change.

tests/test_transformers_transfer.py regenerates both files here and compares them, and shows that
the comparison fails after a changed label and a changed epoch count. From the repository root::

    .venv/bin/python autograder/nlp_lab/data/make_checkpoint.py          # write the files
    .venv/bin/python autograder/nlp_lab/data/make_checkpoint.py --check  # compare, write nothing
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = ROOT / "assignments" / "transformers" / "data"
SPECIAL = ("[PAD]", "[UNK]")
SPLITS = ("source_train", "target_train", "target_val")
CONFIG = {"d_model": 32, "num_heads": 4, "num_layers": 2, "max_len": 64}
SEED, EPOCHS, LR, BATCH = 0, 6, 2e-3, 32
# Bounds of `compare`, each far from both sides of what was measured (the module docstring):
WEIGHT_RTOL = (
    1e-3  # ||made - shipped|| / ||shipped|| per tensor: families <= 6.4e-6, changes >= 0.1
)
FEATURE_ATOL = 1e-3  # max |features| difference: families <= 2e-5, changes >= 0.65


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


def _without_key_bias(name: str, t: torch.Tensor) -> torch.Tensor:
    """t, less the key third of an attention in_proj_bias ([b_q; b_k; b_v]), which no output
    depends on (module docstring)."""
    if not name.endswith("self_attn.in_proj_bias"):
        return t
    d = t.shape[0] // 3
    return torch.cat([t[:d], t[2 * d :]])


def features(weights: dict[str, torch.Tensor], data_dir: Path) -> torch.Tensor:
    """The Encoder holding `weights`, eval mode: features (500, d_model) of target_val."""
    module = encoder_module()
    words = (data_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    ids, _ = module.read_reviews(data_dir / "target_val.tsv", {w: i for i, w in enumerate(words)})
    encoder = module.Encoder(len(words), **CONFIG)
    encoder.load_state_dict(weights)
    encoder.eval()
    with torch.no_grad():
        return encoder(ids)


def _metadata(path: Path) -> dict[str, str] | None:
    with safe_open(path, "pt") as f:
        return f.metadata()


def compare(shipped_dir: Path, made_dir: Path) -> list[str]:
    """What differs between the shipped vocab.txt and weights and freshly made ones, beyond the
    bounds the module docstring gives; [] when they agree."""
    if (made_dir / "vocab.txt").read_bytes() != (shipped_dir / "vocab.txt").read_bytes():
        return ["vocab.txt differs: the data or the vocabulary rule changed"]
    name = "source_encoder.safetensors"
    if _metadata(made_dir / name) != _metadata(shipped_dir / name):
        return [f"{name}'s metadata (the Encoder's arguments) differs"]
    made, shipped = load_file(made_dir / name), load_file(shipped_dir / name)
    if {k: (v.dtype, v.shape) for k, v in made.items()} != {
        k: (v.dtype, v.shape) for k, v in shipped.items()
    }:
        return [f"{name} holds other tensors (names, dtypes or shapes)"]
    problems = []
    for key in sorted(shipped):
        want, got = _without_key_bias(key, shipped[key]), _without_key_bias(key, made[key])
        rel = ((got - want).norm() / want.norm().clamp(min=1e-12)).item()
        if not rel <= WEIGHT_RTOL:
            problems.append(f"{key}: {rel:.2e} away (relative), over {WEIGHT_RTOL:.0e}")
    gap = (features(made, shipped_dir) - features(shipped, shipped_dir)).abs().max().item()
    if not gap <= FEATURE_ATOL:
        problems.append(
            f"the validation reviews' features are {gap:.2e} apart, over {FEATURE_ATOL:.0e}"
        )
    return problems


def _check() -> int:
    """Make the files in a temporary folder and compare them with the shipped ones."""
    with tempfile.TemporaryDirectory() as tmp:
        make(PUBLIC, Path(tmp))
        problems = compare(PUBLIC, Path(tmp))
    kernels = torch.backends.cpu.get_cpu_capability()
    for p in problems:
        print(f"{PUBLIC.relative_to(ROOT)}: {p}", file=sys.stderr)
    if problems:
        print(
            "the shipped checkpoint is not the one this script makes: run it without --check, "
            "then rebuild and re-measure transformers' thresholds",
            file=sys.stderr,
        )
        return 1
    print(f"the shipped checkpoint is the one this script makes ({kernels} kernels, within bounds)")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(_check())
    start = time.monotonic()
    paths = make()
    print(
        f"wrote {', '.join(str(p.relative_to(ROOT)) for p in paths)} in {time.monotonic() - start:.1f} s"
    )
