"""Leaves the last layer linear (no sigmoid on z_L).

target: chain_forward
hint: last layer must apply the sigmoid
unaffected: sigmoid, chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_forward(x, weights, biases):
    acts = [x]
    for i, (W, b) in enumerate(zip(weights, biases)):
        z = acts[-1] @ W.T + b
        acts.append(sigmoid(z) if i < len(weights) - 1 else z)
    return acts
