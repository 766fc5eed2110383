"""Forgets the minus sign of the cross-entropy (loss and gradient).

target: bce_loss
hint: minus sign is missing
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def bce_loss(p, y):
    loss = (y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    return loss, (y / p - (1 - y) / (1 - p)) / p.numel()
