"""Returns the 0-dim tensor instead of a Python float (no .item()).

target: accuracy
hint: must return a Python float
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""


def accuracy(predictions, labels):
    return (predictions == labels).float().mean()
