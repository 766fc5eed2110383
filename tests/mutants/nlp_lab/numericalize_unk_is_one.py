"""Hard-codes 1 as the id of unknown tokens instead of looking up vocab['<unk>'].

target: numericalize
hint: rather than assuming it is 1
unaffected: tokenize, build_vocab, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""


def numericalize(tokens, vocab):
    return [vocab.get(t, 1) for t in tokens]
