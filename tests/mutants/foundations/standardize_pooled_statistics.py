"""Data leakage: mean and std fitted on train and the other splits together.

target: standardize
hint: the statistics include the other splits (data leakage)
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""

import torch


def standardize(train, *others):
    pooled = torch.cat([train, *others])
    mean = pooled.mean(dim=0)
    std = pooled.std(dim=0, unbiased=False).clamp(min=1e-8)
    return tuple((t - mean) / std for t in (train, *others))
