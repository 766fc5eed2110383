"""Flips the sign of the BCE gradient.

target: bce_loss
hint: gradient has the wrong sign
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def bce_loss(p, y):
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    return loss, (y / p - (1 - y) / (1 - p)) / p.numel()
