"""Fills with the column means of train (torch.nanmean) instead of the medians.

target: impute
hint: filled with the column mean
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    mean = torch.nanmean(train, dim=0).nan_to_num(nan=0.0)
    return tuple(torch.where(torch.isnan(t), mean, t) for t in (train, *others))
