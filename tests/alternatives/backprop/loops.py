"""Correct, written with per-sample loops (one example's outer products at a time) and the naive
sigmoid 1 / (1 + exp(-z)), which in torch saturates to 0 or 1 without nan."""
import torch


def sigmoid(z):
    return 1 / (1 + torch.exp(-z))


def chain_forward(x, weights, biases):
    out = [x]
    for W, b in zip(weights, biases):
        rows = [sigmoid(W @ out[-1][n] + b) for n in range(x.shape[0])]
        out.append(torch.stack(rows))
    return out


def chain_backward(activations, weights, grad_output):
    L = len(weights)
    gW = [torch.zeros_like(W) for W in weights]
    gb = [torch.zeros(W.shape[0], dtype=W.dtype) for W in weights]
    for n in range(grad_output.shape[0]):
        a = activations[L][n]
        delta = grad_output[n] * a * (1 - a)
        for l in range(L - 1, -1, -1):
            gW[l] = gW[l] + torch.outer(delta, activations[l][n])
            gb[l] = gb[l] + delta
            if l > 0:
                a = activations[l][n]
                delta = (weights[l].T @ delta) * a * (1 - a)
    return gW, gb


def mse_loss(y_pred, y):
    flat_p, flat_y = y_pred.reshape(-1), y.reshape(-1)
    n = flat_p.numel()
    total = torch.zeros((), dtype=y_pred.dtype)
    for i in range(n):
        total = total + (flat_p[i] - flat_y[i]) ** 2
    return total / n, 2 * (y_pred - y) / n


def bce_loss(p, y):
    n = p.numel()
    terms = [-(t * torch.log(q) + (1 - t) * torch.log(1 - q)) for q, t in zip(p.reshape(-1), y.reshape(-1))]
    return torch.stack(terms).sum() / n, (-y / p + (1 - y) / (1 - p)) / n


def l2_penalty(weights, lam):
    total = torch.zeros((), dtype=weights[0].dtype)
    for W in weights:
        total = total + torch.linalg.matrix_norm(W) ** 2
    return lam * total, [W * (2 * lam) for W in weights]


def sgd_step(weights, grads, eta, lam):
    new = []
    for W, G in zip(weights, grads):
        W = W.clone()
        W -= eta * (G + 2 * lam * W)
        new.append(W)
    return new


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    L = len(weights)
    gW = [torch.zeros_like(W) for W in weights]
    for n in range(x.shape[0]):
        a, ins, hs = x[n], [], []
        for W, b in zip(weights, biases):
            z = W @ a + b
            h = sigmoid(z) if activation == "sigmoid" else torch.relu(z)
            ins.append(a)
            hs.append(h)
            a = a + h if residual else h
        grad = grad_output[n]
        for l in range(L - 1, -1, -1):
            d = hs[l] * (1 - hs[l]) if activation == "sigmoid" else (hs[l] > 0).to(a.dtype)
            delta = grad * d
            gW[l] = gW[l] + torch.outer(delta, ins[l])
            back = weights[l].T @ delta
            grad = grad + back if residual else back
    return torch.stack([G.pow(2).sum().sqrt() for G in gW])
