"""Correct, written differently again: numpy for collate, padding_mask, lm_windows and accuracy;
a Counter vocabulary; a bidirectional packed LSTM classifier (both final states); an LSTM
language model whose output layer is tied to its embeddings; lm_loss as nll_loss summed and
divided by an explicit count; predict batches the sequences sorted by length and puts the
predictions back in order; zero_grad(set_to_none=False); sample computes the softmax by hand
in float64 before torch.multinomial."""

import re
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


def tokenize(text):
    spaced = re.sub(r"([^a-z0-9\s])", r" \1 ", text.lower())
    return spaced.split()


def build_vocab(token_lists, min_freq=1):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [t for t, c in counts.items() if c >= min_freq and t not in ("<pad>", "<unk>")]
    kept.sort(key=lambda t: (-counts[t], t))
    return {t: i for i, t in enumerate(["<pad>", "<unk>", *kept])}


def numericalize(tokens, vocab):
    unk = vocab["<unk>"]
    return list(map(lambda t: vocab.get(t, unk), tokens))


def collate(batch, pad_id=0):
    lengths = np.array([len(ids) for ids, _ in batch], dtype=np.int64)
    ids = np.full((len(batch), lengths.max()), pad_id, dtype=np.int64)
    for row, (seq, _) in enumerate(batch):
        ids[row, : len(seq)] = seq
    labels = np.array([label for _, label in batch], dtype=np.int64)
    return torch.from_numpy(ids), torch.from_numpy(lengths), torch.from_numpy(labels)


def padding_mask(lengths, max_len):
    lens = lengths.detach().cpu().numpy()
    return torch.from_numpy(np.arange(max_len)[None, :] < lens[:, None])


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.lstm = nn.LSTM(emb_dim, hidden_dim // 2, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(2 * (hidden_dim // 2), num_classes)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(
            self.dropout(self.emb(ids)), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, (h_n, _) = self.lstm(packed)
        both = torch.cat([h_n[-2], h_n[-1]], dim=-1)  # forward and backward final states
        return self.fc(self.dropout(both))


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    result = []
    for _epoch in range(epochs):
        perm = torch.randperm(len(examples)).tolist()
        batch_losses = []
        for i in range(0, len(perm), batch_size):
            ids, lengths, labels = collate([examples[j] for j in perm[i : i + batch_size]])
            opt.zero_grad(set_to_none=False)
            loss = F.cross_entropy(model(ids, lengths), labels, reduction="mean")
            loss.backward()
            opt.step()
            batch_losses.append(loss.detach())
        result.append(torch.stack(batch_losses).mean().item())
    return result


def predict(model, sequences, batch_size=256):
    model.eval()
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    out = torch.empty(len(sequences), dtype=torch.long)
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            ids, lengths, _ = collate([(sequences[i], 0) for i in idx])
            out[torch.tensor(idx)] = model(ids, lengths).argmax(-1)
    return out


def accuracy(predictions, labels):
    return float(np.mean(predictions.cpu().numpy() == labels.cpu().numpy()))


def shift_targets(ids):
    inputs, targets = ids[..., :-1].clone(), ids[..., 1:].clone()
    return inputs, targets


def lm_loss(logits, targets, pad_id=0):
    logp = F.log_softmax(logits.flatten(0, 1), dim=-1)
    total = F.nll_loss(logp, targets.flatten(), ignore_index=pad_id, reduction="sum")
    return total / (targets != pad_id).sum()


def perplexity(logits, targets, pad_id=0):
    with torch.no_grad():
        nll = F.cross_entropy(logits.double().flatten(0, 1), targets.flatten(), reduction="none")
        real = targets.flatten() != pad_id
        mean = torch.where(real, nll, torch.zeros_like(nll)).sum() / real.sum()
    return float(torch.exp(mean))


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(p=dropout)
        self.down = nn.Linear(hidden_dim, emb_dim)
        self.bias = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, ids):
        hidden, _ = self.lstm(self.dropout(self.emb(ids)))
        return F.linear(self.down(self.dropout(hidden)), self.emb.weight, self.bias)


def lm_windows(stream, seq_len, pad_id=0):
    stream = np.asarray(stream, dtype=np.int64)
    n = max(1, -(-(len(stream) - 1) // seq_len))
    starts = np.arange(n) * seq_len
    index = starts[:, None] + np.arange(seq_len + 1)[None, :]
    padded = np.concatenate([stream, np.full(n * seq_len + 1, pad_id, dtype=np.int64)])
    return torch.from_numpy(padded[index])


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    torch.manual_seed(seed)
    windows = lm_windows(stream, seq_len)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    result = []
    for _epoch in range(epochs):
        perm = torch.randperm(len(windows))
        batch_losses = []
        for i in range(0, len(perm), batch_size):
            inputs, targets = shift_targets(windows[perm[i : i + batch_size]])
            opt.zero_grad(set_to_none=False)
            loss = lm_loss(model(inputs), targets)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            opt.step()
            batch_losses.append(loss.detach())
        result.append(torch.stack(batch_losses).mean().item())
    return result


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    model.eval()
    g = torch.Generator().manual_seed(seed)
    text = list(prompt)
    for _ in range(n_tokens):
        with torch.no_grad():
            logits = model(torch.tensor(text).unsqueeze(0))[0, -1].to(torch.float64)
        if temperature == 0:
            text.append(int(torch.argmax(logits)))
            continue
        scaled = logits / temperature
        weights = torch.exp(scaled - scaled.max())
        probs = weights / weights.sum()
        text.append(torch.multinomial(probs, 1, generator=g).item())
    return text[len(prompt) :]
