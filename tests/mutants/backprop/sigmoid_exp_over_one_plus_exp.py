"""Writes sigma(z) = e^z / (1 + e^z): inf / inf = nan for z = 1000.

target: sigmoid
hint: overflows
unaffected: chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
"""
import torch


def sigmoid(z):
    return torch.exp(z) / (1 + torch.exp(z))
