"""Slices both inputs and targets as ids[:, :-1]: the right shapes, but no shift.

target: shift_targets
hint: the targets are not shifted
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, lm_loss, perplexity, LanguageModel, lm_windows, sample
"""


def shift_targets(ids):
    return ids[:, :-1], ids[:, :-1]
