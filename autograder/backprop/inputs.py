"""Seeded inputs and trusted references (torch's own sigmoid, losses and autograd) for the hidden
backprop tests: non-square and square layers, batch > 1, depth >= 3, float64 where it matters."""

import torch
import torch.nn.functional as F


def chain(dims, N=4, *, seed=0, dtype=torch.float64, scale=1.0):
    """x (N, d_0), weights[l] (d_{l+1}, d_l), biases[l] (d_{l+1},), grad_output (N, d_L)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, dims[0], generator=g, dtype=dtype)
    weights = [
        scale * torch.randn(d_out, d_in, generator=g, dtype=dtype) / d_in**0.5
        for d_in, d_out in zip(dims[:-1], dims[1:], strict=True)
    ]
    biases = [0.5 * torch.randn(d, generator=g, dtype=dtype) for d in dims[1:]]
    grad_output = torch.randn(N, dims[-1], generator=g, dtype=dtype)
    return x, weights, biases, grad_output


def run_chain(x, weights, biases, activation="sigmoid", residual=False):
    """The chain with torch's own activations, kept in autograd's graph: [a_0, ..., a_L]."""
    act = torch.sigmoid if activation == "sigmoid" else torch.relu
    acts = [x]
    for W, b in zip(weights, biases, strict=True):
        h = act(acts[-1] @ W.T + b)
        acts.append(acts[-1] + h if residual else h)
    return acts


def autograd_chain_grads(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    """(dL/dW_l, dL/db_l for every layer) for L = <a_L, grad_output>, by autograd."""
    Ws = [W.detach().clone().requires_grad_() for W in weights]
    bs = [b.detach().clone().requires_grad_() for b in biases]
    a_L = run_chain(x, Ws, bs, activation, residual)[-1]
    grads = torch.autograd.grad(a_L, Ws + bs, grad_output)
    return list(grads[: len(Ws)]), list(grads[len(Ws) :])


def autograd_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    gW, _ = autograd_chain_grads(x, weights, biases, grad_output, activation, residual)
    return torch.stack([torch.linalg.norm(G) for G in gW])


def loss_and_grad(loss_fn, pred, target):
    """torch's loss and its gradient with respect to the prediction, by autograd."""
    p = pred.detach().clone().requires_grad_()
    loss = loss_fn(p, target)
    return loss.detach(), torch.autograd.grad(loss, p)[0]


def torch_mse(y_pred, y):
    return loss_and_grad(F.mse_loss, y_pred, y)


def torch_bce(p, y):
    return loss_and_grad(F.binary_cross_entropy, p, y)


def regression(N=5, D=3, *, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(N, D, generator=g, dtype=dtype), torch.randn(N, D, generator=g, dtype=dtype)


def probabilities(*shape, seed=0, soft=False, dtype=torch.float64):
    """p in (0.05, 0.95) and targets y: 0/1 labels, or soft labels in (0, 1)."""
    g = torch.Generator().manual_seed(seed)
    p = 0.05 + 0.9 * torch.rand(*shape, generator=g, dtype=dtype)
    y = torch.rand(*shape, generator=g, dtype=dtype)
    return p, (y if soft else (y > 0.5).to(dtype))


def matrices(shapes, *, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(*s, generator=g, dtype=dtype) for s in shapes]
