"""Returns (p - y) / n, the gradient with respect to the logit, not to p.

target: bce_loss
hint: gradient with respect to the logit
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def bce_loss(p, y):
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    return loss, (p - y) / p.numel()
