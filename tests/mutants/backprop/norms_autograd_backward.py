"""Lets autograd do the backward pass with .backward() (banned).

target: layer_grad_norms
hint: not allowed
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
hidden-only: banned API (torch.Tensor.backward)
"""
import torch


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    Ws = [W.detach().clone().requires_grad_() for W in weights]
    a = x
    for W, b in zip(Ws, biases):
        z = a @ W.T + b
        h = sigmoid(z) if activation == "sigmoid" else torch.relu(z)
        a = a + h if residual else h
    (a * grad_output).sum().backward()
    return torch.stack([W.grad.norm() for W in Ws])
