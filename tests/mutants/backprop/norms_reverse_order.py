"""Returns the norms in the order they were computed: last layer first.

target: layer_grad_norms
hint: reverse order
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
"""
import torch


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    act = sigmoid if activation == "sigmoid" else torch.relu
    inputs, outs, a = [], [], x
    for W, b in zip(weights, biases):
        h = act(a @ W.T + b)
        inputs.append(a)
        outs.append(h)
        a = a + h if residual else h
    grad, norms = grad_output, []
    for l in range(len(weights) - 1, -1, -1):
        h = outs[l]
        d = h * (1 - h) if activation == "sigmoid" else (h > 0).to(h.dtype)
        delta = grad * d
        norms.append(torch.linalg.norm(delta.T @ inputs[l]))
        back = delta @ weights[l]
        grad = grad + back if residual else back
    return torch.stack(norms)
