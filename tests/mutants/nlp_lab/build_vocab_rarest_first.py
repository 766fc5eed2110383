"""Sorts by count without reversing: the rarest tokens get the smallest ids.

target: build_vocab
hint: the most frequent token comes first
unaffected: tokenize, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

from collections import Counter


def build_vocab(token_lists, min_freq=1):
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (counts[t], t))
    vocab = {"<pad>": 0, "<unk>": 1}
    for token in kept:
        vocab[token] = len(vocab)
    return vocab
