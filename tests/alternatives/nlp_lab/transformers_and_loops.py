"""Correct, with transformer encoders. The classifier: a masked width-3 convolution, learned
positions, a pre-norm encoder with a key padding mask, masked mean pooling. The language model:
embeddings projected up, sinusoidal positions, a pre-norm encoder with a causal mask. The
preprocessing is plain loops (a character scanner, dict counting, list padding)."""

import math

import torch
from torch import nn

MAX_POSITIONS = 512
WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def tokenize(text):
    tokens, word = [], ""
    for ch in text.lower():
        if ch in WORD_CHARS:
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        if not ch.isspace():
            tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


def build_vocab(token_lists, min_freq=1):
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            if token in counts:
                counts[token] += 1
            else:
                counts[token] = 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    vocab = {"<pad>": 0, "<unk>": 1}
    for token, count in ranked:
        if count >= min_freq and token not in vocab:
            vocab[token] = len(vocab)
    return vocab


def numericalize(tokens, vocab):
    ids = []
    for token in tokens:
        if token in vocab:
            ids.append(vocab[token])
        else:
            ids.append(vocab["<unk>"])
    return ids


def collate(batch, pad_id=0):
    longest = 0
    for ids, _ in batch:
        longest = max(longest, len(ids))
    rows, lengths, labels = [], [], []
    for ids, label in batch:
        rows.append(list(ids) + [pad_id] * (longest - len(ids)))
        lengths.append(len(ids))
        labels.append(label)
    return (
        torch.tensor(rows, dtype=torch.long),
        torch.tensor(lengths, dtype=torch.long),
        torch.tensor(labels, dtype=torch.long),
    )


def padding_mask(lengths, max_len):
    mask = torch.zeros(len(lengths), max_len, dtype=torch.bool)
    for b, n in enumerate(lengths.tolist()):
        mask[b, : min(n, max_len)] = True
    return mask


class TextClassifier(nn.Module):
    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.positions = nn.Embedding(MAX_POSITIONS, emb_dim)
        # a width-3 convolution gives each token its neighbours ("not bad") before attention
        self.local = nn.Conv1d(emb_dim, emb_dim, kernel_size=3, padding=1)
        layer = nn.TransformerEncoderLayer(
            emb_dim,
            nhead=4,
            dim_feedforward=4 * hidden_dim,
            dropout=0.0,  # dropout (p=dropout) is on the encoder's input and on the pooled vector
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(emb_dim)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(emb_dim, num_classes)

    def forward(self, ids, lengths):
        T = ids.shape[1]
        real = padding_mask(lengths, T)  # True at real tokens
        x = self.embed(ids).masked_fill(~real.unsqueeze(-1), 0.0)  # padding reads as zeros
        x = x + torch.relu(self.local(x.transpose(1, 2)).transpose(1, 2))
        x = x + self.positions(torch.arange(T))[None]
        h = self.norm(self.encoder(self.dropout(x), src_key_padding_mask=~real))  # True at padding
        weights = real.unsqueeze(-1).to(h.dtype)
        pooled = (h * weights).sum(dim=1) / weights.sum(dim=1)
        return self.head(self.dropout(pooled))


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(examples))
        losses = []
        start = 0
        while start < len(examples):
            batch = [examples[int(i)] for i in order[start : start + batch_size]]
            start += batch_size
            ids, lengths, labels = collate(batch)
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(ids, lengths), labels)
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
        history.append(sum(losses) / len(losses))
    return history


def predict(model, sequences, batch_size=256):
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(sequences), batch_size):
            chunk = sequences[start : start + batch_size]
            ids, lengths, _ = collate([(s, 0) for s in chunk])
            logits = model(ids, lengths)
            for row in logits:
                out.append(int(row.argmax()))
    return torch.tensor(out, dtype=torch.long)


def accuracy(predictions, labels):
    correct = 0
    for p, y in zip(predictions.tolist(), labels.tolist(), strict=True):
        correct += int(p == y)
    return correct / len(labels)


def shift_targets(ids):
    T = ids.shape[1] - 1
    return ids.narrow(1, 0, T), ids.narrow(1, 1, T)


def lm_loss(logits, targets, pad_id=0):
    flat = logits.reshape(-1, logits.shape[-1])
    t = targets.reshape(-1)
    keep = t != pad_id
    return nn.functional.cross_entropy(flat[keep], t[keep])


def perplexity(logits, targets, pad_id=0):
    with torch.no_grad():
        total = nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).double(),
            targets.reshape(-1),
            ignore_index=pad_id,
            reduction="sum",
        )
        count = (targets != pad_id).sum()
    return math.exp(float(total) / int(count))


class LanguageModel(nn.Module):
    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.width = hidden_dim
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.up = nn.Linear(emb_dim, hidden_dim)
        layer = nn.TransformerEncoderLayer(
            hidden_dim,
            nhead=4,
            dim_feedforward=hidden_dim,
            dropout=0.1,
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(hidden_dim)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, vocab_size)

    def forward(self, ids):
        T, d = ids.shape[1], self.width
        position = torch.arange(T, dtype=torch.float32)[:, None]
        rates = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
        pe = torch.zeros(T, d)
        pe[:, 0::2] = torch.sin(position * rates)
        pe[:, 1::2] = torch.cos(position * rates)
        x = self.up(self.embed(ids)) + pe[None]
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # True: may not look
        h = self.encoder(self.dropout(x), mask=causal)
        return self.head(self.dropout(self.norm(h)))


def lm_windows(stream, seq_len, pad_id=0):
    windows = []
    k = 0
    while True:
        piece = list(stream[k * seq_len : k * seq_len + seq_len + 1])
        windows.append(piece + [pad_id] * (seq_len + 1 - len(piece)))
        k += 1
        if k * seq_len + 1 >= len(stream):
            break
    return torch.tensor(windows, dtype=torch.long)


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    torch.manual_seed(seed)
    windows = lm_windows(stream, seq_len)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    history = []
    for _ in range(epochs):
        order = torch.randperm(windows.shape[0])
        total, steps = 0.0, 0
        for batch in order.split(batch_size):
            inputs, targets = shift_targets(windows[batch])
            optimizer.zero_grad()
            loss = lm_loss(model(inputs), targets)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            total += loss.item()
            steps += 1
        history.append(total / steps)
    return history


def sample(model, prompt, n_tokens, temperature=1.0, seed=0):
    model.eval()
    generator = torch.Generator()
    generator.manual_seed(seed)
    context = torch.tensor([list(prompt)], dtype=torch.long)
    new = []
    with torch.inference_mode():
        for _ in range(n_tokens):
            last = model(context)[0, -1]
            if temperature == 0:
                token = last.argmax().item()
            else:
                probs = torch.softmax(last / temperature, dim=-1)
                token = torch.multinomial(probs, num_samples=1, generator=generator).item()
            new.append(int(token))
            context = torch.cat([context, torch.tensor([[token]], dtype=torch.long)], dim=1)
    return new
