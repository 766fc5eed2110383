"""Applies sigma' to the already-activated value: sigma(a) (1 - sigma(a)).

target: chain_backward
hint: already sigma(z)
unaffected: sigmoid, chain_forward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_backward(activations, weights, grad_output):
    L = len(weights)
    gW, gb = [None] * L, [None] * L
    s = sigmoid(activations[L])
    delta = grad_output * s * (1 - s)
    for l in range(L - 1, -1, -1):
        gW[l] = delta.T @ activations[l]
        gb[l] = delta.sum(0)
        if l > 0:
            s = sigmoid(activations[l])
            delta = (delta @ weights[l]) * s * (1 - s)
    return gW, gb
