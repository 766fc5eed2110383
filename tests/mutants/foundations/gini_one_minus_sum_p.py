"""Gini as 1 - sum p: the proportions not squared.

target: gini
hint: square the proportions
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, sparse_penalty
"""


def gini(p):
    return 1 - p.sum(dim=-1)
