"""The loss summed over the rows instead of averaged (the gradient right).

target: cross_entropy
hint: the loss is summed over the rows
unaffected: softmax, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def cross_entropy(logits, y):
    N, C = logits.shape
    Y = torch.nn.functional.one_hot(y.long(), C).to(logits.dtype) if y.dim() == 1 else y
    shifted = logits - logits.amax(dim=1, keepdim=True)
    log_p = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -(Y * log_p).sum(), (log_p.exp() - Y) / N
