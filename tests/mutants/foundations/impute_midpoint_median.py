"""Averages the two middle values for an even count (NumPy's and pandas' median, here
torch.nanquantile's default linear interpolation) instead of torch.nanmedian's lower one.

target: impute
hint: averages the two middle values
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    median = torch.nanquantile(train, 0.5, dim=0).nan_to_num(nan=0.0)
    return tuple(torch.where(torch.isnan(t), median, t) for t in (train, *others))
