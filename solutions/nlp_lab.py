"""Reference solution of the PyTorch lab (nlp_lab): preprocessing, a text classifier, a language model.

`dlnlp build` splices each body below into the matching solution region of
assignments/nlp_lab/nlp_lab.ipynb (methods of a class into the regions of that class's cell).
"""

import math
import re

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

PAD, UNK = "<pad>", "<unk>"


# --- 1. Preprocessing -----------------------------------------------------------------------------


def tokenize(text):
    """Lower-case `text` and split it into tokens.

    A token is a maximal run of the characters a-z and 0-9, or any other single character
    that is not whitespace (punctuation is its own token). Whitespace only separates tokens.
    "The plot, sadly, wasn't great!" -> ['the', 'plot', ',', 'sadly', ',', 'wasn', "'", 't', 'great', '!']
    Returns a list of str.
    """
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def build_vocab(token_lists, min_freq=1):
    """Map tokens to ids: '<pad>' -> 0, '<unk>' -> 1, then every token that occurs at least
    `min_freq` times in `token_lists` (a list of token lists), most frequent first, ties in
    alphabetical order, with ids 2, 3, ... Returns a dict str -> int.
    """
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
    vocab = {PAD: 0, UNK: 1}
    for token in kept:
        if token not in vocab:
            vocab[token] = len(vocab)
    return vocab


def numericalize(tokens, vocab):
    """Token list -> list of int ids; a token missing from `vocab` gets the id of '<unk>'."""
    unk = vocab[UNK]
    return [vocab.get(t, unk) for t in tokens]


def collate(batch, pad_id=0):
    """Pad a batch of (ids, label) pairs into tensors, keeping the order of the batch.

    batch: a list of B pairs (ids: list of int, at least one id; label: int).
    Returns (ids, lengths, labels): ids (B, T) int64 with T the longest length in the batch,
    each row the sequence followed by `pad_id` up to T; lengths (B,) int64, the number of real
    tokens in each row; labels (B,) int64.
    """
    lengths = torch.tensor([len(ids) for ids, _ in batch], dtype=torch.long)
    padded = torch.full((len(batch), int(lengths.max())), pad_id, dtype=torch.long)
    for row, (ids, _) in enumerate(batch):
        padded[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    labels = torch.tensor([label for _, label in batch], dtype=torch.long)
    return padded, lengths, labels


def padding_mask(lengths, max_len):
    """lengths (B,) int64 -> mask (B, max_len) bool, True at real tokens (t < lengths[b]) and
    False at padding. (Careful: nn.TransformerEncoder's src_key_padding_mask wants the opposite,
    True at padding.)
    """
    return torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]


# --- 2. A text classifier -----------------------------------------------------------------------


class TextClassifier(nn.Module):
    """Embeddings -> an encoder (an LSTM or a transformer encoder, your choice) -> a linear head.

    TextClassifier(vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0)
    forward(ids, lengths): ids (B, T) int64 padded with pad_id, lengths (B,) int64 >= 1
    -> logits (B, num_classes), one row per sequence (no softmax).

    Padding must not matter: a sequence's logits stay the same (in eval mode) when more
    padding is appended or when it is batched with other sequences. Use dropout with
    probability `dropout` (active in train mode only, as nn.Dropout does). At most 1,000,000
    parameters for vocab_size 1000.
    """

    def __init__(self, vocab_size, num_classes, emb_dim=64, hidden_dim=64, dropout=0.3, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, num_classes)

    def forward(self, ids, lengths):
        x = self.dropout(self.embed(ids))
        # packing runs the LSTM over each sequence's real tokens only: h_n is the state after the
        # last real token, whatever padding follows it
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.encoder(packed)
        return self.head(self.dropout(h_n[-1]))


def train_classifier(model, examples, epochs=4, lr=3e-3, batch_size=32, seed=0):
    """Train `model` (a TextClassifier) in place on `examples`, a list of (ids, label) pairs.

    Seeded: call torch.manual_seed(seed) first, and shuffle the examples at the start of every
    epoch with torch.randperm. Budget: `epochs` passes over the data in batches of `batch_size`
    (the last batch may be smaller), with torch.optim.Adam(model.parameters(), lr=lr). Put the
    model in training mode; for each batch: collate it, zero the gradients, compute the mean
    cross-entropy of the logits, backpropagate, step the optimiser.
    Returns a list of `epochs` floats: the mean training loss of each epoch.
    Must finish within 3 minutes on 2 CPU cores for 4000 examples of up to 30 tokens.
    """
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


def predict(model, sequences, batch_size=256):
    """Predicted class of each sequence (a list of id lists), as an int64 tensor (N,), in order.

    Evaluate as at test time: model.eval() (dropout off) and no gradient tracking.
    """
    model.eval()
    predictions = []
    with torch.no_grad():
        for start in range(0, len(sequences), batch_size):
            chunk = [(ids, 0) for ids in sequences[start : start + batch_size]]
            ids, lengths, _ = collate(chunk)
            predictions.append(model(ids, lengths).argmax(dim=-1))
    return torch.cat(predictions)


def accuracy(predictions, labels):
    """Fraction of predictions (N,) equal to labels (N,), as a Python float in [0, 1]."""
    return (predictions == labels).float().mean().item()


# --- 3. A language model ------------------------------------------------------------------------


def shift_targets(ids):
    """ids (B, T+1) int64 -> (inputs, targets), each (B, T): the model reads inputs[:, t] =
    ids[:, t] and must predict the next token, targets[:, t] = ids[:, t + 1]."""
    return ids[:, :-1], ids[:, 1:]


def lm_loss(logits, targets, pad_id=0):
    """Mean next-token cross-entropy (a scalar tensor, differentiable).

    logits (B, T, V), targets (B, T) int64. The mean is over the positions whose target is
    not `pad_id`: padding adds nothing to the sum and is not counted in the mean.
    """
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad_id
    )


def perplexity(logits, targets, pad_id=0):
    """exp(mean negative log-likelihood per real token), as a Python float.

    logits (B, T, V), targets (B, T) int64; positions whose target is `pad_id` are left out.
    """
    return math.exp(lm_loss(logits.detach().double(), targets, pad_id).item())


class LanguageModel(nn.Module):
    """A next-token model: embeddings -> a causal encoder (LSTM, or a transformer encoder with a
    causal mask) -> a linear layer to vocabulary logits.

    LanguageModel(vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0)
    forward(ids): ids (B, T) int64 -> logits (B, T, vocab_size), no softmax.
    Causal: logits[:, t] depends on ids[:, :t + 1] only, never on later tokens. Use dropout
    with probability `dropout` (train mode only). At most 2,000,000 parameters for
    vocab_size 2000.
    """

    def __init__(self, vocab_size, emb_dim=64, hidden_dim=128, dropout=0.2, pad_id=0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.encoder = nn.LSTM(emb_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_dim, vocab_size)

    def forward(self, ids):
        outputs, _ = self.encoder(self.dropout(self.embed(ids)))
        return self.head(self.dropout(outputs))


def lm_windows(stream, seq_len, pad_id=0):
    """Cut a token stream (a list of int ids) into training windows for the language model.

    Window k holds stream[k*seq_len : k*seq_len + seq_len + 1], so consecutive windows share one
    token and every token after the first is a target exactly once; the last window is padded
    with pad_id to seq_len + 1. Returns an int64 tensor (number of windows, seq_len + 1).
    """
    n = max(1, math.ceil((len(stream) - 1) / seq_len))
    windows = torch.full((n, seq_len + 1), pad_id, dtype=torch.long)
    for k in range(n):
        piece = stream[k * seq_len : k * seq_len + seq_len + 1]
        windows[k, : len(piece)] = torch.tensor(piece, dtype=torch.long)
    return windows


def train_language_model(model, stream, seq_len=32, epochs=4, lr=1e-2, batch_size=32, seed=0):
    """Train `model` (a LanguageModel) in place on `stream`, a list of int token ids.

    Seeded: torch.manual_seed(seed) first. Cut the stream with lm_windows(stream, seq_len), and
    in each of `epochs` epochs visit the windows in a fresh torch.randperm order, in batches of
    `batch_size`, with torch.optim.Adam(model.parameters(), lr=lr). Training mode; for each
    batch: shift_targets, zero the gradients, lm_loss of the logits, backpropagate, clip the
    gradient norm to 1.0 (nn.utils.clip_grad_norm_), step.
    Returns a list of `epochs` floats: the mean training loss of each epoch.
    Must finish within 3 minutes on 2 CPU cores for a stream of 80,000 tokens.
    """
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
    """Generate `n_tokens` new token ids after `prompt` (a non-empty list of ids); return them
    as a list of int (the prompt not included).

    At each step feed the prompt and what was generated so far, take the logits of the last
    position, and draw the next id from softmax(logits / temperature) with torch.multinomial
    and a torch.Generator seeded with `seed` (same seed, same text). temperature == 0 means
    greedy decoding: the argmax. Evaluate in eval mode without gradient tracking.
    """
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(n_tokens):
            logits = model(torch.tensor([ids], dtype=torch.long))[0, -1]
            if temperature == 0:
                next_id = int(logits.argmax())
            else:
                probs = torch.softmax(logits / temperature, dim=-1)
                next_id = int(torch.multinomial(probs, 1, generator=generator))
            ids.append(next_id)
    return ids[len(prompt) :]
