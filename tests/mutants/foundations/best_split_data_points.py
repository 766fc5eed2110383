"""Thresholds at the data points themselves instead of the midpoints.

target: best_split
hint: the threshold is a data point
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, sparse_penalty
"""

import math

import torch


def best_split(x, y, impurity="gini"):
    values = torch.unique(x)
    best = (None, -math.inf)
    for t in values[:-1].tolist():
        gain = information_gain(y, [y[x <= t], y[x > t]], impurity)  # noqa: F821
        if gain > best[1]:
            best = (t, gain)
    return best
