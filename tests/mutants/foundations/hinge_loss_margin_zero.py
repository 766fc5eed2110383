"""The perceptron's loss max(0, -y s): no margin, points count only when misclassified.

target: hinge_loss
hint: the hinge has no margin
unaffected: softmax, cross_entropy, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def hinge_loss(w, b, X, y, C=1.0):
    margins = y * (X @ w + b)
    active = (margins < 0).to(X.dtype)
    value = 0.5 * (w @ w) + C * torch.clamp(-margins, min=0).sum()
    return value, (w - C * X.T @ (active * y), -C * (active * y).sum())
