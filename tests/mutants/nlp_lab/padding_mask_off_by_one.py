"""Uses t <= lengths[b]: one padded position too many counts as real.

target: padding_mask
hint: off by one
unaffected: tokenize, build_vocab, numericalize, collate, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch


def padding_mask(lengths, max_len):
    return torch.arange(max_len)[None, :] <= lengths[:, None]
