"""The unbiased std (divide by N - 1) instead of the population std.

target: standardize
hint: the std is the unbiased one
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""


def standardize(train, *others):
    mean = train.mean(dim=0)
    std = train.std(dim=0).clamp(min=1e-8)
    return tuple((t - mean) / std for t in (train, *others))
