"""Sums the Frobenius norms without squaring them.

target: l2_penalty
hint: must be squared
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, sgd_step, layer_grad_norms
"""
import torch


def l2_penalty(weights, lam):
    return lam * sum(torch.linalg.norm(W) for W in weights), [2 * lam * W for W in weights]
