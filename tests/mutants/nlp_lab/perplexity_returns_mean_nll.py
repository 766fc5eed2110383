"""Returns the mean NLL (the loss) without exponentiating it.

target: perplexity
hint: perplexity is its exponential
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, LanguageModel, lm_windows, train_language_model, sample
"""

import torch.nn.functional as F


def perplexity(logits, targets, pad_id=0):
    return F.cross_entropy(
        logits.detach().reshape(-1, logits.shape[-1]).double(),
        targets.reshape(-1),
        ignore_index=pad_id,
    ).item()
