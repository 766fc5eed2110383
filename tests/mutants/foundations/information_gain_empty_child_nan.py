"""An empty child's proportions computed as 0 / 0: nan times weight 0 is still nan.

target: information_gain
hint: an empty child must have weight 0
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, sparse_penalty
"""

import torch


def information_gain(parent, children, impurity="entropy"):
    measure = {"entropy": entropy, "gini": gini}[impurity]  # noqa: F821 (the student's own)
    classes = int(parent.max()) + 1

    def purity_of(labels):
        counts = torch.bincount(labels.long(), minlength=classes).double()
        return measure(counts / counts.sum())

    n = len(parent)
    return float(purity_of(parent) - sum(len(c) / n * purity_of(c) for c in children))
