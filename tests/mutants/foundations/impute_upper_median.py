"""Sorts each column's non-NaN values and takes index count // 2: the upper of the two middle
values when the count is even (torch.nanmedian takes the lower one).

target: impute
hint: the upper of the two middle values
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def impute(train, *others):
    ordered = torch.sort(train, dim=0).values  # NaN sorts last
    count = (~torch.isnan(train)).sum(dim=0)
    median = ordered.gather(0, (count // 2).clamp(max=train.shape[0] - 1)[None]).squeeze(0)
    median = torch.where(count > 0, median, torch.zeros_like(median))
    return tuple(torch.where(torch.isnan(t), median, t) for t in (train, *others))
