"""Entropy in nats: natural log instead of log2.

target: entropy
hint: the entropy is in nats
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, gini, sparse_penalty
"""

import torch


def entropy(p):
    logs = torch.where(p > 0, torch.log(p.clamp(min=1e-300)), torch.zeros_like(p))
    return -(p * logs).sum(dim=-1)
