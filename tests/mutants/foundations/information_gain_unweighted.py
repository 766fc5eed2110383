"""Children's impurities averaged, not weighted by |child| / |parent|.

target: information_gain
hint: the children are not weighted by their size
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, sparse_penalty
"""

import torch


def information_gain(parent, children, impurity="entropy"):
    measure = {"entropy": entropy, "gini": gini}[impurity]  # noqa: F821 (the student's own)
    classes = int(parent.max()) + 1

    def purity_of(labels):
        counts = torch.bincount(labels.long(), minlength=classes).double()
        return measure(counts / counts.sum())

    kept = [c for c in children if len(c) > 0]
    return float(purity_of(parent) - sum(purity_of(c) for c in kept) / len(children))
