"""exp(-gamma ||x - c||): the distance not squared.

target: rbf_features
hint: the distance is not squared
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def rbf_features(X, centers, gamma):
    d = ((X.unsqueeze(1) - centers.unsqueeze(0)) ** 2).sum(-1).sqrt()
    return torch.exp(-gamma * d)
