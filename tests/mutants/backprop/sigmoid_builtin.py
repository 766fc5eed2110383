"""Uses torch's built-in sigmoid (banned).

target: sigmoid
hint: not allowed
unaffected: chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
hidden-only: banned API (torch.sigmoid)
"""
import torch


def sigmoid(z):
    return torch.sigmoid(z)
