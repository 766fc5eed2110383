"""Computes in float64 and forgets to cast back to the input's dtype.

target: sigmoid
hint: keep z's dtype
unaffected: chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
"""
import torch


def sigmoid(z):
    z = z.double()
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
