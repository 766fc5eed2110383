"""Correct, with numpy in float64 inside, torch tensors in and out: softmax through a log-sum-exp
written by hand, cross-entropy by fancy indexing for class ids, the hinge subgradient by boolean
masks, fit_linear_model with w and b kept apart as numpy arrays; distances by the
||x||^2 - 2 x.c + ||c||^2 expansion, entropy through np.log(p) / np.log(2) on the nonzero
entries, Gini with an einsum, information gain with np.unique counts, best_split by sorting once
and sweeping the prefix class counts, the KL with np.log of ratios."""

import numpy as np
import torch


def softmax(z, dim=-1):
    a = z.detach().double().numpy()
    m = a.max(axis=dim, keepdims=True)
    lse = m + np.log(np.exp(a - m).sum(axis=dim, keepdims=True))
    return torch.tensor(np.exp(a - lse), dtype=z.dtype)


def cross_entropy(logits, y):
    L = logits.detach().double().numpy()
    N, C = L.shape
    m = L.max(axis=1, keepdims=True)
    log_p = L - m - np.log(np.exp(L - m).sum(axis=1, keepdims=True))
    if y.dim() == 1:
        ids = y.numpy().astype(np.int64)
        loss = -log_p[np.arange(N), ids].mean()
        grad = np.exp(log_p)
        grad[np.arange(N), ids] -= 1.0
    else:
        Y = y.detach().double().numpy()
        loss = -(Y * log_p).sum(axis=1).mean()
        grad = np.exp(log_p) - Y
    return torch.tensor(loss, dtype=logits.dtype), torch.tensor(grad / N, dtype=logits.dtype)


def hinge_loss(w, b, X, y, C=1.0):
    wn, Xn, yn = (t.detach().double().numpy() for t in (w, X, y))
    margins = yn * (Xn @ wn + float(b))
    inside = margins < 1
    value = 0.5 * wn @ wn + C * (1 - margins[inside]).sum()
    dw = wn - C * (yn[inside, None] * Xn[inside]).sum(axis=0)
    db = -C * yn[inside].sum()
    return torch.tensor(value, dtype=w.dtype), (
        torch.tensor(dw, dtype=w.dtype),
        torch.tensor(db, dtype=w.dtype),
    )


def fit_linear_model(X, y, loss, lam=0.0, lr=0.1, steps=500):
    Xn, yn = X.detach().double().numpy(), y.detach().double().numpy()
    N, D = Xn.shape
    w, b = np.zeros(D), 0.0
    for _ in range(steps):
        z = Xn @ w + b
        if loss == "mse":
            r = 2.0 * (z - yn)
        elif loss == "bce":
            r = 0.5 * (1.0 + np.tanh(0.5 * z)) - yn  # sigmoid without overflow
        elif loss == "hinge":
            r = np.where(yn * z < 1, -yn, 0.0)
        else:
            raise ValueError(loss)
        w, b = w - lr * (Xn.T @ r / N + 2.0 * lam * w), b - lr * r.mean()
    return torch.tensor(w, dtype=X.dtype), torch.tensor(b, dtype=X.dtype)


def standardize(train, *others):
    t = train.detach().numpy().astype(np.float64)
    mean, std = t.mean(axis=0), np.maximum(t.std(axis=0), 1e-8)  # np.std is the population std
    return tuple(
        torch.from_numpy((s.detach().numpy().astype(np.float64) - mean) / std).to(train.dtype)
        for s in (train, *others)
    )


def rbf_features(X, centers, gamma):
    x, c = X.detach().numpy().astype(np.float64), centers.detach().numpy().astype(np.float64)
    sq = (x**2).sum(1)[:, None] - 2 * x @ c.T + (c**2).sum(1)[None, :]
    return torch.from_numpy(np.exp(-gamma * np.maximum(sq, 0.0))).to(X.dtype)


def entropy(p):
    a = p.detach().numpy().astype(np.float64)
    terms = np.zeros_like(a)
    nz = a > 0
    terms[nz] = a[nz] * np.log(a[nz]) / np.log(2.0)
    return torch.from_numpy(np.asarray(-terms.sum(axis=-1))).to(p.dtype)


def gini(p):
    a = p.detach().numpy().astype(np.float64)
    return torch.from_numpy(np.asarray(1.0 - np.einsum("...c,...c->...", a, a))).to(p.dtype)


def information_gain(parent, children, impurity="entropy"):
    par = parent.detach().numpy()

    def measure(labels):
        _, counts = np.unique(labels, return_counts=True)
        q = counts / counts.sum()
        if impurity == "entropy":
            return float(-(q * np.log2(q)).sum())  # np.unique counts are never 0
        return float(1.0 - (q**2).sum())

    n = len(par)
    rest = sum(len(c) / n * measure(c.detach().numpy()) for c in children if len(c) > 0)
    return measure(par) - rest


def best_split(x, y, impurity="gini"):
    xs, ys = x.detach().numpy().astype(np.float64), y.detach().numpy()
    order = np.argsort(xs, kind="stable")
    xs, ys = xs[order], ys[order]
    classes = int(ys.max()) + 1
    onehot = np.eye(classes)[ys]
    left = np.cumsum(onehot, axis=0)  # class counts of xs[: i + 1]
    total = left[-1]

    def measure(counts):
        q = counts / counts.sum()
        if impurity == "entropy":
            q = q[q > 0]
            return -(q * np.log2(q)).sum()
        return 1.0 - (q**2).sum()

    n, best_t, best_g = len(xs), None, -np.inf
    for i in range(n - 1):
        if xs[i] == xs[i + 1]:
            continue
        k = i + 1
        g = measure(total) - k / n * measure(left[i]) - (n - k) / n * measure(total - left[i])
        if g > best_g + 1e-12:  # ties (within rounding) keep the smaller threshold
            best_t, best_g = float((xs[i] + xs[i + 1]) / 2), float(g)
    return best_t, best_g


def sparse_penalty(h, rho, beta):
    r = h.detach().numpy().astype(np.float64).mean(axis=0)
    kl = rho * np.log(rho / r) + (1 - rho) * np.log((1 - rho) / (1 - r))
    return torch.tensor(beta * kl.sum(), dtype=h.dtype)
