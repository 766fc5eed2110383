"""0 log 0 left as nan: p * log2(p) straight.

target: entropy
hint: 0 log 0 must count as 0
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, gini, sparse_penalty
"""

import torch


def entropy(p):
    return -(p * torch.log2(p)).sum(dim=-1)
