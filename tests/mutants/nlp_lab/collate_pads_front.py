"""Left-pads: the padding goes before each sequence (so packing reads the padding).

target: collate
hint: pad at the end of each sequence
unaffected: tokenize, build_vocab, numericalize, padding_mask, TextClassifier, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch


def collate(batch, pad_id=0):
    lengths = torch.tensor([len(ids) for ids, _ in batch], dtype=torch.long)
    T = int(lengths.max())
    padded = torch.tensor([[pad_id] * (T - len(ids)) + list(ids) for ids, _ in batch])
    labels = torch.tensor([label for _, label in batch], dtype=torch.long)
    return padded, lengths, labels
