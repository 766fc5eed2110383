"""Treats grad_output as dL/dz_L: forgets sigma' at the output layer.

target: chain_backward
hint: grad_output is dL/da_L, not dL/dz_L
unaffected: sigmoid, chain_forward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_backward(activations, weights, grad_output):
    L = len(weights)
    gW, gb = [None] * L, [None] * L
    delta = grad_output
    for l in range(L - 1, -1, -1):
        gW[l] = delta.T @ activations[l]
        gb[l] = delta.sum(0)
        if l > 0:
            a = activations[l]
            delta = (delta @ weights[l]) * a * (1 - a)
    return gW, gb
