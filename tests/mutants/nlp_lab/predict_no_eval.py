"""Forgets model.eval(): dropout stays on at prediction time.

target: predict
hint: call model.eval() first
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, accuracy, shift_targets, lm_loss, perplexity, LanguageModel, lm_windows, train_language_model, sample
"""

import torch


def predict(model, sequences, batch_size=256):
    predictions = []
    with torch.no_grad():
        for start in range(0, len(sequences), batch_size):
            chunk = [(ids, 0) for ids in sequences[start : start + batch_size]]
            ids, lengths, _ = collate(chunk)  # noqa: F821
            predictions.append(model(ids, lengths).argmax(dim=-1))
    return torch.cat(predictions)
