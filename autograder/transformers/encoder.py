"""What the notebook gives for transfer learning (section 11): the Encoder and ClassifierHead
(a given cell, which grading loads), the .safetensors and reviews readers (a read-only cell,
which grading does not load).

The notebook holds these same definitions (tests/test_transformers_transfer.py checks that they
agree), so that the student needs nothing but torch; the trusted side uses this copy to make the
checkpoint (autograder/nlp_lab/data/make_checkpoint.py), to read the films, and to check that a
submission's Encoder is still the given one."""

import json

import torch
from torch import nn


class Encoder(nn.Module):
    """A small BERT-style encoder: ids (B, T), 0 = padding -> features (B, d_model).

    Token and learned positional embeddings, `num_layers` pre-LN transformer layers (torch's own
    nn.TransformerEncoderLayer, the computation of your transformer_block, with dropout), a final
    LayerNorm, then the mean of the real (non-padding) positions. `tokens(ids)` gives the
    per-position vectors (B, T, d_model) that masked-LM pretraining predicts from.
    """

    def __init__(self, vocab_size, d_model=32, num_heads=4, num_layers=2, max_len=64, dropout=0.1):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                d_model,
                num_heads,
                4 * d_model,
                dropout,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )  # fmt: skip
            for _ in range(num_layers)
        )
        self.ln_f = nn.LayerNorm(d_model)
        self.drop = nn.Dropout(dropout)

    def tokens(self, ids):
        pad = ids == 0  # (B, T): True where a query may not look
        x = self.drop(self.tok_emb(ids) + self.pos_emb(torch.arange(ids.shape[1])))
        for layer in self.layers:
            x = layer(x, src_key_padding_mask=pad)
        return self.ln_f(x)

    def forward(self, ids):
        real = (ids != 0).unsqueeze(-1).float()  # (B, T, 1)
        return (self.tokens(ids) * real).sum(1) / real.sum(1).clamp(min=1.0)


def load_safetensors(path):
    """A .safetensors file -> {name: tensor}, with torch alone (the format is an 8-byte header
    length, a JSON header of dtypes, shapes and byte offsets, then the raw little-endian data)."""
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    dtypes = {"F32": torch.float32, "I64": torch.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        data = bytearray(raw[8 + n + start : 8 + n + end])
        out[name] = torch.frombuffer(data, dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return out


class ClassifierHead(nn.Module):
    """features (B, d_model) -> logits (B, num_classes): dropout, then one linear layer."""

    def __init__(self, d_model=32, num_classes=2, dropout=0.1):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.linear = nn.Linear(d_model, num_classes)

    def forward(self, features):
        return self.linear(self.drop(features))


def read_reviews(path, vocab):
    """A reviews file (label<TAB>text per line) -> (ids (N, T) int64 padded with 0, labels (N,))."""
    rows = [line.split("\t") for line in open(path, encoding="utf-8").read().splitlines()]
    seqs = [[vocab.get(w, 1) for w in text.split()] for _, text in rows]  # 1 = [UNK]
    ids = torch.zeros(len(seqs), max(map(len, seqs)), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, torch.tensor([int(y) for y, _ in rows])
