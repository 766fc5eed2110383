"""Windows of seq_len tokens: after the shift only seq_len - 1 inputs and targets remain.

target: lm_windows
hint: each window holds seq_len + 1 tokens
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, sample
"""

import math

import torch


def lm_windows(stream, seq_len, pad_id=0):
    n = max(1, math.ceil(len(stream) / seq_len))
    windows = torch.full((n, seq_len), pad_id, dtype=torch.long)
    for k in range(n):
        piece = stream[k * seq_len : (k + 1) * seq_len]
        windows[k, : len(piece)] = torch.tensor(piece, dtype=torch.long)
    return windows
