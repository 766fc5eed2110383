"""Averages the NLL over every position: the padded targets are counted.

target: perplexity
hint: padding is counted
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, LanguageModel, lm_windows, train_language_model, sample
"""

import math

import torch.nn.functional as F


def perplexity(logits, targets, pad_id=0):
    nll = F.cross_entropy(
        logits.detach().reshape(-1, logits.shape[-1]).double(), targets.reshape(-1)
    )
    return math.exp(nll.item())
