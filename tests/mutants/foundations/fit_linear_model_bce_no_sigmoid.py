"""The bce gradient without the sigmoid: (z - y) / N, a linear regression on 0/1 labels.

target: fit_linear_model
hint: the bce gradient has no sigmoid
unaffected: softmax, cross_entropy, hinge_loss, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def fit_linear_model(X, y, loss, lam=0.0, lr=0.1, steps=500):
    N, D = X.shape
    w, b = torch.zeros(D, dtype=X.dtype), torch.zeros((), dtype=X.dtype)

    for _ in range(steps):
        z = X @ w + b
        if loss == "mse":
            g = 2 * (z - y) / N
        elif loss == "bce":
            g = (z - y) / N
        else:
            g = -y * (y * z < 1).to(X.dtype) / N
        w = w - lr * (X.T @ g + 2 * lam * w)
        b = b - lr * (g.sum())
    return w, b
