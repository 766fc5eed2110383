"""Gives ids in order of first appearance: never sorts by frequency.

target: build_vocab
hint: not by first appearance
unaffected: tokenize, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""


def build_vocab(token_lists, min_freq=1):
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    vocab = {"<pad>": 0, "<unk>": 1}
    for token, count in counts.items():
        if count >= min_freq:
            vocab[token] = len(vocab)
    return vocab
