"""Uses lam * W as the gradient of lam * ||W||^2.

target: l2_penalty
hint: 2 * lam * W, not lam * W
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, sgd_step, layer_grad_norms
"""
import torch


def l2_penalty(weights, lam):
    return lam * sum((W**2).sum() for W in weights), [lam * W for W in weights]
