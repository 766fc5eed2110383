"""Fills the NaNs of the inputs in place and returns the inputs themselves.

target: impute
hint: modifies its inputs in place
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    median = torch.nanmedian(train, dim=0).values.nan_to_num(nan=0.0)
    for t in (train, *others):
        missing = torch.isnan(t)
        t[missing] = median.expand_as(t)[missing]
    return (train, *others)
