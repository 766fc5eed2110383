"""Sums the cross-entropy over the real targets instead of averaging it.

target: lm_loss
hint: the loss is summed over tokens
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, LanguageModel, lm_windows, sample
"""

import torch.nn.functional as F


def lm_loss(logits, targets, pad_id=0):
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]),
        targets.reshape(-1),
        ignore_index=pad_id,
        reduction="sum",
    )
