"""Averages over the batch dimension only (divides by N, not N * D).

target: mse_loss
hint: mean is over the batch only
unaffected: sigmoid, chain_forward, chain_backward, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def mse_loss(y_pred, y):
    d = y_pred - y
    N = d.shape[0]
    return (d**2).sum() / N, 2 * d / N
