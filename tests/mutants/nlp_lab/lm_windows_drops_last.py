"""Drops the last, partial window instead of padding it.

target: lm_windows
hint: padded, not dropped
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, sample
"""

import torch


def lm_windows(stream, seq_len, pad_id=0):
    n = max(1, (len(stream) - 1) // seq_len)
    windows = torch.full((n, seq_len + 1), pad_id, dtype=torch.long)
    for k in range(n):
        piece = stream[k * seq_len : k * seq_len + seq_len + 1]
        windows[k, : len(piece)] = torch.tensor(piece, dtype=torch.long)
    return windows
