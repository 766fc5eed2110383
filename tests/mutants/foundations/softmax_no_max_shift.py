"""exp(z) / sum exp(z) without subtracting the max: inf / inf = nan at large scores.

target: softmax
hint: subtract the max along the softmax dimension before exp
unaffected: cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split, sparse_penalty
"""


def softmax(z, dim=-1):
    e = z.exp()
    return e / e.sum(dim=dim, keepdim=True)
