"""Regularises b too: 0.5 (||w||^2 + b^2) in the value and + b in db.

target: hinge_loss
hint: b is penalised
unaffected: softmax, cross_entropy, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def hinge_loss(w, b, X, y, C=1.0):
    b = torch.as_tensor(b, dtype=X.dtype)
    margins = y * (X @ w + b)
    active = (margins < 1).to(X.dtype)
    value = 0.5 * (w @ w + b * b) + C * torch.clamp(1 - margins, min=0).sum()
    return value, (w - C * X.T @ (active * y), b - C * (active * y).sum())
