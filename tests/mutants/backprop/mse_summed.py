"""Sums the squared errors instead of averaging them.

target: mse_loss
hint: loss is summed
unaffected: sigmoid, chain_forward, chain_backward, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def mse_loss(y_pred, y):
    d = y_pred - y
    return (d**2).sum(), 2 * d
