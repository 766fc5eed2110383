"""Soft labels collapsed to class ids by argmax.

target: cross_entropy
hint: soft labels are treated as class ids
unaffected: softmax, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def cross_entropy(logits, y):
    N, C = logits.shape
    ids = y.argmax(dim=1) if y.dim() == 2 else y.long()
    Y = torch.nn.functional.one_hot(ids, C).to(logits.dtype)
    shifted = logits - logits.amax(dim=1, keepdim=True)
    log_p = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -(Y * log_p).sum() / N, (log_p.exp() - Y) / N
