"""Flips the sign of the exponent: 1 / (1 + e^z).

target: sigmoid
hint: sign of the exponent is flipped
unaffected: chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
"""
import torch


def sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, e / (1 + e), 1 / (1 + e))
