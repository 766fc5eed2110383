"""Each split is filled with its own column medians instead of train's.

target: impute
hint: each split is filled with its own medians
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    return tuple(
        torch.where(torch.isnan(t), torch.nanmedian(t, dim=0).values.nan_to_num(nan=0.0), t)
        for t in (train, *others)
    )
