"""Takes act' from the residual sum a_l (a_l (1 - a_l), a_l > 0) instead of from act(z_l).

target: layer_grad_norms
hint: not from the residual sum
unaffected: sigmoid, chain_forward, chain_backward, mse_loss, bce_loss, l2_penalty, sgd_step
"""
import torch


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    act = sigmoid if activation == "sigmoid" else torch.relu
    acts = [x]
    for W, b in zip(weights, biases):
        h = act(acts[-1] @ W.T + b)
        acts.append(acts[-1] + h if residual else h)
    grad, norms = grad_output, [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        a = acts[l + 1]
        d = a * (1 - a) if activation == "sigmoid" else (a > 0).to(a.dtype)
        delta = grad * d
        norms[l] = torch.linalg.norm(delta.T @ acts[l])
        back = delta @ weights[l]
        grad = grad + back if residual else back
    return torch.stack(norms)
