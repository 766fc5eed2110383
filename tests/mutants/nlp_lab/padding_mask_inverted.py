"""Returns the transformer's key-padding convention: True at padding.

target: padding_mask
hint: the mask is inverted
unaffected: tokenize, build_vocab, numericalize, collate, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch


def padding_mask(lengths, max_len):
    return torch.arange(max_len)[None, :] >= lengths[:, None]
