"""Normalises over the first dimension, whatever `dim` says.

target: softmax
hint: the wrong dimension
unaffected: cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""


def softmax(z, dim=-1):
    e = (z - z.amax(dim=0, keepdim=True)).exp()
    return e / e.sum(dim=0, keepdim=True)
