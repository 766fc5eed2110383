"""Data leakage: the medians are taken over train and the other splits together.

target: impute
hint: the medians include the other splits (data leakage)
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    median = torch.nanmedian(torch.cat([train, *others]), dim=0).values.nan_to_num(nan=0.0)
    return tuple(torch.where(torch.isnan(t), median, t) for t in (train, *others))
