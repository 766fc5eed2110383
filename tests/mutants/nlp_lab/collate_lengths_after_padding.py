"""Measures the lengths after padding: every length is T.

target: collate
hint: lengths count the real tokens
unaffected: tokenize, build_vocab, numericalize, padding_mask, TextClassifier, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch


def collate(batch, pad_id=0):
    T = max(len(ids) for ids, _ in batch)
    padded = torch.tensor([list(ids) + [pad_id] * (T - len(ids)) for ids, _ in batch])
    lengths = torch.tensor([len(row) for row in padded.tolist()], dtype=torch.long)
    labels = torch.tensor([label for _, label in batch], dtype=torch.long)
    return padded, lengths, labels
