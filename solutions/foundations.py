"""Reference solution for the `foundations` assignment: losses and their gradients by hand, linear
models fitted by gradient descent, standardisation, missing-value imputation, RBF features,
impurity and splits, and the sparse-autoencoder penalty.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name; the
signature and docstring the student sees live in the notebook.
"""

import math

import torch


def softmax(z, dim=-1):
    """Reference: exp(z - max) normalised over `dim`."""
    e = (z - z.amax(dim=dim, keepdim=True)).exp()  # the largest score becomes 0: no overflow
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(logits, y):
    """Reference: the mean of -sum_c Y log softmax, and its gradient (softmax - Y) / N."""
    N, C = logits.shape
    if y.dim() == 1:  # class ids -> one-hot rows
        Y = torch.zeros(N, C, dtype=logits.dtype).scatter_(1, y.long().view(-1, 1), 1.0)
    else:
        Y = y.to(logits.dtype)
    shifted = logits - logits.amax(dim=1, keepdim=True)
    log_p = shifted - shifted.exp().sum(dim=1, keepdim=True).log()  # log softmax, stable
    loss = -(Y * log_p).sum() / N
    return loss, (log_p.exp() - Y) / N


def hinge_loss(w, b, X, y, C=1.0):
    """Reference: 0.5 ||w||^2 + C sum max(0, 1 - y (X w + b)) and a subgradient (0 at the kink)."""
    margins = y * (X @ w + b)  # (N,)
    active = (margins < 1).to(X.dtype)  # strictly inside the margin: the hinge's slope is -1
    value = 0.5 * (w @ w) + C * torch.clamp(1 - margins, min=0).sum()
    dw = w - C * (X * (active * y).unsqueeze(1)).sum(0)
    db = -C * (active * y).sum()
    return value, (dw, db)


def fit_linear_model(X, y, loss, lam=0.0, lr=0.1, steps=500):
    """Reference: full-batch gradient descent from zeros on mean loss + lam ||w||^2."""
    N, D = X.shape
    w, b = torch.zeros(D, dtype=X.dtype), torch.zeros((), dtype=X.dtype)
    for _ in range(steps):
        z = X @ w + b
        if loss == "mse":
            g = 2 * (z - y) / N  # d mean((z - y)^2) / dz
        elif loss == "bce":
            g = (torch.sigmoid(z) - y) / N
        elif loss == "hinge":
            g = -y * (y * z < 1).to(X.dtype) / N
        else:
            raise ValueError(f"unknown loss {loss!r}: use 'mse', 'bce' or 'hinge'")
        w = w - lr * (X.T @ g + 2 * lam * w)  # b is not penalised
        b = b - lr * g.sum()
    return w, b


def standardize(train, *others):
    """Reference: train's per-column mean and population std (floored at 1e-8), applied to all."""
    mean = train.mean(dim=0)
    std = train.std(dim=0, unbiased=False).clamp(min=1e-8)
    return tuple((t - mean) / std for t in (train, *others))


def rbf_features(X, centers, gamma):
    """Reference: exp(-gamma ||x_i - c_j||^2), (N, M)."""
    sq = ((X.unsqueeze(1) - centers.unsqueeze(0)) ** 2).sum(-1)  # (N, M)
    return torch.exp(-gamma * sq)


def entropy(p):
    """Reference: -sum p log2 p over the last dim, with 0 log 0 = 0."""
    logs = torch.where(p > 0, torch.log2(p.clamp(min=1e-300)), torch.zeros_like(p))
    return -(p * logs).sum(dim=-1)


def gini(p):
    """Reference: 1 - sum p^2 over the last dim."""
    return 1 - (p**2).sum(dim=-1)


def information_gain(parent, children, impurity="entropy"):
    """Reference: impurity(parent) - sum_k |child_k| / |parent| impurity(child_k)."""
    measure = {"entropy": entropy, "gini": gini}[impurity]
    classes = int(parent.max()) + 1

    def purity_of(labels):
        counts = torch.bincount(labels.long(), minlength=classes).double()
        return measure(counts / counts.sum())

    n = len(parent)
    weighted = sum(len(c) / n * purity_of(c) for c in children if len(c) > 0)
    return float(purity_of(parent) - weighted)


def best_split(x, y, impurity="gini"):
    """Reference: every midpoint between sorted distinct values, the largest gain, the smallest
    threshold on a tie."""
    values = torch.unique(x)  # sorted
    best = (None, -math.inf)
    for t in ((values[:-1] + values[1:]) / 2).tolist():
        gain = information_gain(y, [y[x <= t], y[x > t]], impurity)
        if gain > best[1]:  # strictly greater: the first (smallest) threshold wins a tie
            best = (t, gain)
    return best


def sparse_penalty(h, rho, beta):
    """Reference: beta * sum_j KL(rho || rho_hat_j), rho_hat_j the batch mean of code j."""
    rho_hat = h.mean(dim=0)
    kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
    return beta * kl.sum()


def impute(train, *others):
    """Reference: train's per-column nanmedian (lower median; 0 for an all-NaN column) fills the
    NaNs of every split, in new tensors."""
    median = torch.nanmedian(train, dim=0).values.nan_to_num(nan=0.0)  # (D,)
    return tuple(torch.where(torch.isnan(t), median, t) for t in (train, *others))
