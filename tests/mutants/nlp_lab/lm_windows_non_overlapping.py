"""Cuts disjoint windows of seq_len + 1 tokens (stride seq_len + 1): the first token of
every window after the first is never a target.

target: lm_windows
hint: consecutive windows share one token
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, sample
"""

import torch


def lm_windows(stream, seq_len, pad_id=0):
    size = seq_len + 1
    windows = []
    for start in range(0, max(len(stream), 1), size):
        piece = list(stream[start : start + size])
        windows.append(piece + [pad_id] * (size - len(piece)))
    return torch.tensor(windows, dtype=torch.long)
