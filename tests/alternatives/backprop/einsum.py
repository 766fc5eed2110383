"""Correct, written with einsum and a stable sigmoid built on softplus-free log-sum tricks."""
import torch


def sigmoid(z):
    # sigma(z) = exp(-log(1 + e^{-z})); log1p(e^{-|z|}) never overflows
    return torch.exp(-(torch.clamp(-z, min=0) + torch.log1p(torch.exp(-z.abs()))))


def chain_forward(x, weights, biases):
    acts = [x]
    for W, b in zip(weights, biases):
        acts.append(sigmoid(torch.einsum("ni,oi->no", acts[-1], W) + b))
    return acts


def chain_backward(activations, weights, grad_output):
    L = len(weights)
    a = activations[-1]
    delta = torch.einsum("no,no,no->no", grad_output, a, 1 - a)
    gW, gb = [], []
    for l in reversed(range(L)):
        gW.insert(0, torch.einsum("no,ni->oi", delta, activations[l]))
        gb.insert(0, torch.einsum("no->o", delta))
        a = activations[l]
        delta = torch.einsum("no,oi->ni", delta, weights[l]) * a * (1 - a)
    return gW, gb


def mse_loss(y_pred, y):
    d = (y_pred - y).reshape(-1)
    n = d.numel()
    return torch.einsum("i,i->", d, d) / n, (2.0 / n) * (y_pred - y)


def bce_loss(p, y):
    n = p.numel()
    loss = -(torch.einsum("i,i->", y.reshape(-1), torch.log(p).reshape(-1)) + torch.einsum("i,i->", (1 - y).reshape(-1), torch.log1p(-p).reshape(-1))) / n
    return loss, (p - y) / (p * (1 - p)) / n


def l2_penalty(weights, lam):
    return lam * sum(torch.einsum("ij,ij->", W, W) for W in weights), [2 * lam * W for W in weights]


def sgd_step(weights, grads, eta, lam):
    return [(1 - 2 * eta * lam) * W - eta * G for W, G in zip(weights, grads)]


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    zs, ins = [], []
    a = x
    for W, b in zip(weights, biases):
        z = torch.einsum("ni,oi->no", a, W) + b
        h = sigmoid(z) if activation == "sigmoid" else torch.clamp(z, min=0)
        zs.append(z)
        ins.append(a)
        a = a + h if residual else h
    grad = grad_output
    norms = []
    for l in reversed(range(len(weights))):
        z = zs[l]
        if activation == "sigmoid":
            s = sigmoid(z)
            d = s * (1 - s)
        else:
            d = (z > 0).to(z.dtype)
        delta = grad * d
        G = torch.einsum("no,ni->oi", delta, ins[l])
        norms.insert(0, torch.einsum("oi,oi->", G, G).sqrt())
        back = torch.einsum("no,oi->ni", delta, weights[l])
        grad = grad + back if residual else back
    return torch.stack(norms)
