"""Correct, written differently: everything computed in float64 inside and cast back to the input's
dtype; softmax by moving `dim` last; cross-entropy row by row in a loop with one-hot built by
indexing; the hinge value with torch.relu; fit_linear_model on the augmented matrix [X, 1] with
the penalty masked off the bias column."""

import torch


def softmax(z, dim=-1):
    zt = z.double().movedim(dim, -1)
    e = torch.exp(zt - zt.max(dim=-1, keepdim=True).values)
    return (e / e.sum(-1, keepdim=True)).movedim(-1, dim).to(z.dtype)


def cross_entropy(logits, y):
    N, C = logits.shape
    L = logits.double()
    if y.dim() == 1:
        Y = torch.zeros(N, C, dtype=torch.float64)
        Y[torch.arange(N), y.long()] = 1.0
    else:
        Y = y.double()
    total = torch.zeros((), dtype=torch.float64)
    grad = torch.empty(N, C, dtype=torch.float64)
    for i in range(N):
        m = L[i].max()
        lse = m + torch.log(torch.exp(L[i] - m).sum())
        total = total + (Y[i] * (lse - L[i])).sum()
        grad[i] = (torch.exp(L[i] - lse) - Y[i]) / N
    return (total / N).to(logits.dtype), grad.to(logits.dtype)


def hinge_loss(w, b, X, y, C=1.0):
    wd, Xd, yd = w.double(), X.double(), y.double()
    margins = yd * (Xd @ wd + float(b))
    value = 0.5 * wd.dot(wd) + C * torch.relu(1 - margins).sum()
    coef = torch.where(margins < 1, -C * yd, torch.zeros_like(yd))
    return value.to(w.dtype), ((wd + Xd.T @ coef).to(w.dtype), coef.sum().to(w.dtype))


def fit_linear_model(X, y, loss, lam=0.0, lr=0.1, steps=500):
    N, D = X.shape
    A = torch.cat([X.double(), torch.ones(N, 1, dtype=torch.float64)], dim=1)
    yd = y.double()
    mask = torch.ones(D + 1, dtype=torch.float64)
    mask[-1] = 0.0  # the bias is not penalised
    theta = torch.zeros(D + 1, dtype=torch.float64)
    for _ in range(steps):
        z = A @ theta
        if loss == "mse":
            g = 2 * (z - yd)
        elif loss == "bce":
            g = 1 / (1 + torch.exp(-z)) - yd
        elif loss == "hinge":
            g = torch.where(yd * z < 1, -yd, torch.zeros_like(yd))
        else:
            raise ValueError(loss)
        theta = theta - lr * (A.T @ g / N + 2 * lam * mask * theta)
    return theta[:D].to(X.dtype), theta[D].to(X.dtype)
