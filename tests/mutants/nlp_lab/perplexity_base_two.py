"""2 ** mean NLL: mixes bits and nats (the cross-entropy is in nats).

target: perplexity
hint: not 2 ** mean NLL
unaffected: tokenize, build_vocab, numericalize, collate, padding_mask, TextClassifier, train_classifier, predict, accuracy, shift_targets, lm_loss, LanguageModel, lm_windows, train_language_model, sample
"""

import torch.nn.functional as F


def perplexity(logits, targets, pad_id=0):
    nll = F.cross_entropy(
        logits.detach().reshape(-1, logits.shape[-1]).double(),
        targets.reshape(-1),
        ignore_index=pad_id,
    )
    return 2 ** nll.item()
