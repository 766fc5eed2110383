"""KL(rho_hat || rho) instead of KL(rho || rho_hat).

target: sparse_penalty
hint: the KL divergence has its arguments swapped
unaffected: softmax, cross_entropy, hinge_loss, fit_linear_model, standardize, rbf_features, entropy, gini, information_gain, best_split
"""

import torch


def sparse_penalty(h, rho, beta):
    r = h.mean(dim=0)
    kl = r * torch.log(r / rho) + (1 - r) * torch.log((1 - r) / (1 - rho))
    return beta * kl.sum()
