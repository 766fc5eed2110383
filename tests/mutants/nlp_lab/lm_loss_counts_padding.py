"""Plain cross-entropy without ignore_index: padded targets are in the sum and the mean.

target: lm_loss
hint: padding is counted in the loss
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, LanguageModel, lm_windows, sample
"""

import torch.nn.functional as F


def lm_loss(logits, targets, pad_id=0):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
