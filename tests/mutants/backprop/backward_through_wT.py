"""Sends the error back through W_l.T on square layers (it only happens to run there).

target: chain_backward
hint: sent back through W_l.T
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
        gb[l] = delta.sum(0)
        if l > 0:
            a = activations[l]
            W = weights[l]
            back = delta @ W.T if W.shape[0] == W.shape[1] else delta @ W
            delta = back * a * (1 - a)
    return gW, gb
