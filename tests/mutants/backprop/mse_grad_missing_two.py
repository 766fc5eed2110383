"""Forgets the factor 2 in the gradient of the square.

target: mse_loss
hint: missing the factor 2
unaffected: sigmoid, chain_forward, chain_backward, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def mse_loss(y_pred, y):
    d = y_pred - y
    return (d**2).mean(), d / d.numel()
