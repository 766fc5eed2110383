"""Appends the gradients while walking down and returns them last layer first.

target: chain_backward
hint: reverse layer order
unaffected: sigmoid, chain_forward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_backward(activations, weights, grad_output):
    L = len(weights)
    gW, gb = [], []
    a = activations[L]
    delta = grad_output * a * (1 - a)
    for l in range(L - 1, -1, -1):
        gW.append(delta.T @ activations[l])
        gb.append(delta.sum(0))
        if l > 0:
            a = activations[l]
            delta = (delta @ weights[l]) * a * (1 - a)
    return gW, gb
