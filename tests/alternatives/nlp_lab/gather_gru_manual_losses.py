"""Correct, written differently: an LSTM classifier that reads the output at lengths - 1 with
gather (no packing), a GRU language model, lm_loss from log_softmax with an explicit mask,
perplexity in float64, pad_sequence in collate, unfold in lm_windows, gradients reset to None
by hand."""

import math
import re

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pad_sequence

TOKEN = r"[0-9a-z]+|[^0-9a-z\s]"


def tokenize(text):
    return [m.group(0) for m in re.finditer(TOKEN, text.lower())]


def build_vocab(token_lists, min_freq=1):
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    # two stable sorts: alphabetical first, then by count (descending) keeps ties alphabetical
    ranked = sorted(counts)
    ranked.sort(key=lambda t: counts[t], reverse=True)
    vocab = {"<pad>": 0, "<unk>": 1}
    for token in ranked:
        if counts[token] < min_freq:
            break
        vocab.setdefault(token, len(vocab))
    return vocab


def numericalize(tokens, vocab):
    return [vocab[t] if t in vocab else vocab["<unk>"] for t in tokens]


def collate(batch, pad_id=0):
    seqs = [torch.as_tensor(ids, dtype=torch.long) for ids, _ in batch]
    ids = pad_sequence(seqs, batch_first=True, padding_value=pad_id)
    lengths = torch.tensor([s.numel() for s in seqs], dtype=torch.long)
    labels = torch.as_tensor([label for _, label in batch], dtype=torch.long)
    return ids, lengths, labels


def padding_mask(lengths, max_len):
    positions = torch.arange(max_len).expand(len(lengths), max_len)
    return positions < lengths.unsqueeze(1)


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.rnn = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden_dim, num_classes)

    def forward(self, ids, lengths):
        outputs, _ = self.rnn(self.drop(self.embedding(ids)))  # (B, T, H), left to right
        # the output after the last real token does not depend on the padding that follows it
        last = (lengths - 1).clamp(min=0).view(-1, 1, 1).expand(-1, 1, outputs.shape[-1])
        summary = outputs.gather(1, last).squeeze(1)
        return self.out(self.drop(summary))


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    means = []
    for _ in range(epochs):
        order = torch.randperm(len(examples)).tolist()
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        epoch_loss = torch.zeros((), dtype=torch.float64)
        for batch in batches:
            ids, lengths, labels = collate([examples[i] for i in batch])
            for p in model.parameters():
                p.grad = None
            logits = model(ids, lengths)
            loss = -F.log_softmax(logits, dim=-1).gather(1, labels[:, None]).mean()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.detach().double()
        means.append((epoch_loss / len(batches)).item())
    return means


def predict(model, sequences, batch_size=256):
    model.train(False)
    pieces = []
    for start in range(0, len(sequences), batch_size):
        ids, lengths, _ = collate([(s, -1) for s in sequences[start : start + batch_size]])
        with torch.no_grad():
            pieces.append(torch.max(model(ids, lengths), dim=1).indices)
    return torch.cat(pieces).long()


def accuracy(predictions, labels):
    return float(torch.sum(predictions == labels)) / labels.numel()


def shift_targets(ids):
    T = ids.shape[1]
    inputs = ids[:, torch.arange(T - 1)]
    targets = ids[:, torch.arange(1, T)]
    return inputs, targets


def lm_loss(logits, targets, pad_id=0):
    logp = F.log_softmax(logits, dim=-1)
    picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (B, T)
    real = (targets != pad_id).to(picked.dtype)
    return -(picked * real).sum() / real.sum()


def perplexity(logits, targets, pad_id=0):
    logp = torch.log_softmax(logits.detach().to(torch.float64), dim=-1)
    picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    real = targets != pad_id
    return math.exp(-picked[real].sum().item() / real.sum().item())


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.rnn = nn.GRU(emb_dim, hidden_dim, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden_dim, vocab_size)

    def forward(self, ids):
        outputs, _ = self.rnn(self.drop(self.embedding(ids)))
        return self.out(self.drop(outputs))


def lm_windows(stream, seq_len, pad_id=0):
    n = max(1, math.ceil((len(stream) - 1) / seq_len))
    flat = torch.full((n * seq_len + 1,), pad_id, dtype=torch.long)
    flat[: len(stream)] = torch.as_tensor(stream, dtype=torch.long)
    return flat.unfold(0, seq_len + 1, seq_len).contiguous()


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    torch.manual_seed(seed)
    windows = lm_windows(stream, seq_len)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    means = []
    for _ in range(epochs):
        order = torch.randperm(windows.size(0))
        losses = []
        for start in range(0, order.numel(), batch_size):
            inputs, targets = shift_targets(
                windows.index_select(0, order[start : start + batch_size])
            )
            for p in model.parameters():
                p.grad = None
            loss = lm_loss(model(inputs), targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
        means.append(math.fsum(losses) / len(losses))
    return means


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    model.train(False)
    rng = torch.Generator()
    rng.manual_seed(seed)
    ids = torch.tensor(prompt, dtype=torch.long)
    with torch.no_grad():
        for _ in range(n_tokens):
            last = model(ids.unsqueeze(0))[0, -1].double()
            if temperature == 0:
                nxt = torch.topk(last, 1).indices
            else:
                nxt = torch.multinomial(F.softmax(last / temperature, dim=0), 1, generator=rng)
            ids = torch.cat([ids, nxt.long()])
    return [int(i) for i in ids[len(prompt) :]]
