"""Returns the window as both inputs and targets: the model learns to copy its input.

target: shift_targets
hint: the targets are not shifted
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, lm_loss, perplexity, LanguageModel, lm_windows, sample
"""


def shift_targets(ids):
    return ids, ids
