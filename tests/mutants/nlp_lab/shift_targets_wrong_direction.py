"""Shifts the wrong way: reads ids[:, 1:] and predicts the previous token.

target: shift_targets
hint: shifted the wrong way
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, lm_loss, perplexity, LanguageModel, lm_windows, sample
"""


def shift_targets(ids):
    return ids[:, 1:], ids[:, :-1]
