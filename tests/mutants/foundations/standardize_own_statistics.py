"""Each split standardised with its own mean and std.

target: standardize
hint: each split is standardised with its own statistics
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""


def standardize(train, *others):
    return tuple(
        (t - t.mean(dim=0)) / t.std(dim=0, unbiased=False).clamp(min=1e-8) for t in (train, *others)
    )
