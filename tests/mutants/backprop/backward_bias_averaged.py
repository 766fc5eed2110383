"""Averages the bias gradient over the batch instead of summing it.

target: chain_backward
hint: bias gradient is averaged
unaffected: sigmoid, chain_forward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_backward(activations, weights, grad_output):
    L = len(weights)
    gW, gb = [None] * L, [None] * L
    a = activations[L]
    delta = grad_output * a * (1 - a)
    for l in range(L - 1, -1, -1):
        gW[l] = delta.T @ activations[l]
        gb[l] = delta.mean(0)
        if l > 0:
            a = activations[l]
            delta = (delta @ weights[l]) * a * (1 - a)
    return gW, gb
