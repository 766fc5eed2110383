"""The std of a constant column is not floored: 0 / 0 = nan.

target: standardize
hint: clamp the std below at 1e-8
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""


def standardize(train, *others):
    mean = train.mean(dim=0)
    std = train.std(dim=0, unbiased=False)
    return tuple((t - mean) / std for t in (train, *others))
