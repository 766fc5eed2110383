"""Takes the medians along the wrong dim: one per row of train (dim=1) instead of one per column.

target: impute
hint: the medians are taken over the wrong dim
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    median = torch.nanmedian(train, dim=1).values.nan_to_num(nan=0.0)
    return tuple(torch.where(torch.isnan(t), median, t) for t in (train, *others))
