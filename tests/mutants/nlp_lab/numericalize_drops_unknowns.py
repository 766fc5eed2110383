"""Skips the tokens missing from the vocabulary instead of mapping them to <unk>.

target: numericalize
hint: must not be dropped
unaffected: tokenize, build_vocab, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""


def numericalize(tokens, vocab):
    return [vocab[t] for t in tokens if t in vocab]
