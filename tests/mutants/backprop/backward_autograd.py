"""Lets autograd do the backward pass (banned).

target: chain_backward
hint: not allowed
unaffected: sigmoid, chain_forward, mse_loss, bce_loss, l2_penalty, sgd_step, layer_grad_norms
hidden-only: banned API (torch.autograd)
"""
import torch


def chain_backward(activations, weights, grad_output):
    x = activations[0]
    Ws = [W.detach().clone().requires_grad_() for W in weights]
    bs = [torch.zeros(W.shape[0], dtype=W.dtype, requires_grad=True) for W in weights]
    # the biases do not change the gradients once the activations are fixed: recompute them
    # from the stored activations (z_l = logit(a_l)) and use them as constants
    a = x
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z_ref = torch.log(activations[l + 1]) - torch.log(1 - activations[l + 1])
        c = (z_ref - activations[l] @ weights[l].T).detach()
        a = 1 / (1 + torch.exp(-(a @ W.T + c + b)))
    grads = torch.autograd.grad(a, Ws + bs, grad_output)
    return list(grads[: len(Ws)]), list(grads[len(Ws):])
