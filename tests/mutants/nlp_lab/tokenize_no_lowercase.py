"""A \\w+ regex without lower(): "The" and "the" become different tokens.

target: tokenize
hint: lower-case the text
unaffected: build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import re


def tokenize(text):
    return re.findall(r"\w+|[^\w\s]", text)
