"""Masks the padding out of the sum but divides by every position, padding included.

target: lm_loss
hint: padding is counted in the mean
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, LanguageModel, lm_windows, sample
"""

import torch.nn.functional as F


def lm_loss(logits, targets, pad_id=0):
    ce = F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none"
    )
    real = (targets.reshape(-1) != pad_id).float()
    return (ce * real).sum() / ce.numel()
