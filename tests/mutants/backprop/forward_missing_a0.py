"""Returns [a_1, ..., a_L], without the input a_0.

target: chain_forward
hint: must start with a_0 = x
unaffected: sigmoid, chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
"""
import torch


def chain_forward(x, weights, biases):
    acts, a = [], x
    for W, b in zip(weights, biases):
        a = sigmoid(a @ W.T + b)
        acts.append(a)
    return acts
