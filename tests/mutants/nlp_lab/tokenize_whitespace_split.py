"""Splits on whitespace only: punctuation stays glued to the words ("dull!").

target: tokenize
hint: punctuation must be split off
unaffected: build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""


def tokenize(text):
    return text.lower().split()
