"""Keeps tokens seen more than min_freq times (> instead of >=).

target: build_vocab
hint: >=, not >
unaffected: tokenize, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""


def build_vocab(token_lists, min_freq=1):
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    kept = sorted((t for t, c in counts.items() if c > min_freq), key=lambda t: (-counts[t], t))
    vocab = {"<pad>": 0, "<unk>": 1}
    for token in kept:
        vocab[token] = len(vocab)
    return vocab
