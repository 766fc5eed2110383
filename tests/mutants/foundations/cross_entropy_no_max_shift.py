"""log(sum exp(logits)) without the max shift: exp overflows to inf at |logits| = 1e4.

target: cross_entropy
hint: subtract the max along the softmax dimension before exp
unaffected: softmax, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def cross_entropy(logits, y):
    N, C = logits.shape
    Y = torch.nn.functional.one_hot(y.long(), C).to(logits.dtype) if y.dim() == 1 else y
    e = logits.exp()
    p = e / e.sum(dim=1, keepdim=True)
    return -(Y * p.log()).sum() / N, (p - Y) / N
