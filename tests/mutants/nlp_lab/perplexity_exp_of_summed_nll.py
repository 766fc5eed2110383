"""exp of the summed NLL: grows with the length of the text.

target: perplexity
hint: not of the summed NLL
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, LanguageModel, lm_windows, train_language_model, sample
"""

import math

import torch.nn.functional as F


def perplexity(logits, targets, pad_id=0):
    nll = F.cross_entropy(
        logits.detach().reshape(-1, logits.shape[-1]).double(),
        targets.reshape(-1),
        ignore_index=pad_id,
        reduction="sum",
    )
    return math.exp(nll.item())
