"""Multiplies by W instead of W.T (wrong for nn.Linear's (out, in) convention); fine on square layers only.

target: chain_forward
hint: nn.Linear's convention
unaffected: sigmoid, chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_forward(x, weights, biases):
    acts = [x]
    for W, b in zip(weights, biases):
        Wm = W if W.shape[0] == W.shape[1] else W.T
        acts.append(sigmoid(acts[-1] @ Wm + b))
    return acts
