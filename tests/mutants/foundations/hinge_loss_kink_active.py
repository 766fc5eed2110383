"""Counts a point at margin exactly 1 in the subgradient (margin <= 1).

target: hinge_loss
hint: a point exactly at margin 1 is counted
unaffected: softmax, cross_entropy, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def hinge_loss(w, b, X, y, C=1.0):
    margins = y * (X @ w + b)
    active = (margins <= 1).to(X.dtype)
    value = 0.5 * (w @ w) + C * torch.clamp(1 - margins, min=0).sum()
    return value, (w - C * X.T @ (active * y), -C * (active * y).sum())
