"""Correct, written differently (the complete perfect sample): softmax and cross-entropy through
torch.logsumexp (no explicit max shift: logsumexp is itself stable), the hinge subgradient by a
loop over the points, fit_linear_model by autograd on the objective (allowed there); and plain
Python loops over floats for the rest: per-column sums for the statistics, a double loop for the
RBF distances, impurities with math.log2 row by row, Counter-based information gain, and
best_split scanning sorted distinct values."""

import math
from collections import Counter

import torch


def softmax(z, dim=-1):
    return (z - torch.logsumexp(z, dim=dim, keepdim=True)).exp()


def cross_entropy(logits, y):
    N, C = logits.shape
    if y.dim() == 1:
        Y = torch.nn.functional.one_hot(y.long(), C).to(logits.dtype)
    else:
        Y = y.to(logits.dtype)
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -(Y * log_p).sum(1).mean(), (log_p.exp() - Y) / N


def hinge_loss(w, b, X, y, C=1.0):
    b = float(b)
    value = 0.5 * (w * w).sum()
    dw, db = w.clone(), torch.zeros((), dtype=w.dtype)
    for x_i, y_i in zip(X, y, strict=True):
        margin = y_i * (torch.dot(x_i, w) + b)
        if margin < 1:
            value = value + C * (1 - margin)
            dw = dw - C * y_i * x_i
            db = db - C * y_i
    return value, (dw, db)


def fit_linear_model(X, y, loss, lam=0.0, lr=0.1, steps=500):
    w = torch.zeros(X.shape[1], dtype=X.dtype, requires_grad=True)
    b = torch.zeros((), dtype=X.dtype, requires_grad=True)
    for _ in range(steps):
        z = X @ w + b
        if loss == "mse":
            data = ((z - y) ** 2).mean()
        elif loss == "bce":
            data = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        else:
            data = torch.clamp(1 - y * z, min=0).mean()  # clamp's slope at the kink: see below
        objective = data + lam * (w * w).sum()
        gw, gb = torch.autograd.grad(objective, (w, b))
        if loss == "hinge":  # autograd's clamp counts the kink as active; the contract does not
            active = (y * z.detach() < 1).to(X.dtype)
            g = -y * active / len(y)
            gw, gb = X.T @ g + 2 * lam * w.detach(), g.sum()
        with torch.no_grad():
            w -= lr * gw
            b -= lr * gb
    return w.detach(), b.detach()


def standardize(train, *others):
    rows = train.tolist()
    n, d = len(rows), len(rows[0])
    mean = [sum(r[j] for r in rows) / n for j in range(d)]
    std = [max(math.sqrt(sum((r[j] - mean[j]) ** 2 for r in rows) / n), 1e-8) for j in range(d)]
    out = []
    for split in (train, *others):
        out.append(
            torch.tensor(
                [[(r[j] - mean[j]) / std[j] for j in range(d)] for r in split.tolist()],
                dtype=train.dtype,
            ).reshape(split.shape)
        )
    return tuple(out)


def rbf_features(X, centers, gamma):
    out = []
    for x in X.tolist():
        row = []
        for c in centers.tolist():
            sq = sum((a - b) ** 2 for a, b in zip(x, c, strict=True))
            row.append(math.exp(-gamma * sq))
        out.append(row)
    return torch.tensor(out, dtype=X.dtype)


def entropy(p):
    rows = p.reshape(-1, p.shape[-1]).tolist()
    values = [-sum(q * math.log2(q) for q in row if q > 0) for row in rows]
    return torch.tensor(values, dtype=p.dtype).reshape(p.shape[:-1])


def gini(p):
    rows = p.reshape(-1, p.shape[-1]).tolist()
    values = [1.0 - sum(q * q for q in row) for row in rows]
    return torch.tensor(values, dtype=p.dtype).reshape(p.shape[:-1])


def information_gain(parent, children, impurity="entropy"):
    def measure(labels):
        counts = Counter(labels)
        n = len(labels)
        if impurity == "entropy":
            return -sum(c / n * math.log2(c / n) for c in counts.values())
        return 1.0 - sum((c / n) ** 2 for c in counts.values())

    parent_labels = parent.tolist()
    total = len(parent_labels)
    g = measure(parent_labels)
    for child in children:
        labels = child.tolist()
        if labels:
            g -= len(labels) / total * measure(labels)
    return g


def best_split(x, y, impurity="gini"):
    xs, ys = x.tolist(), y.tolist()
    values = sorted(set(xs))
    best_t, best_g = None, -math.inf
    for a, b in zip(values, values[1:], strict=False):
        t = (a + b) / 2
        left = [label for v, label in zip(xs, ys, strict=True) if v <= t]
        right = [label for v, label in zip(xs, ys, strict=True) if v > t]
        g = information_gain(
            y, [torch.tensor(left, dtype=y.dtype), torch.tensor(right, dtype=y.dtype)], impurity
        )
        if g > best_g:
            best_t, best_g = t, g
    return best_t, best_g


def sparse_penalty(h, rho, beta):
    cols = list(zip(*h.tolist(), strict=True))
    total = 0.0
    for col in cols:
        r = sum(col) / len(col)
        total += rho * math.log(rho / r) + (1 - rho) * math.log((1 - rho) / (1 - r))
    return torch.tensor(beta * total)
