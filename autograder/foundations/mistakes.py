"""Catalogued misconceptions for foundations, as (hint, wrong output) pairs, and the trusted
float64 objectives the linear-model tests judge an answer by.

Each `*_mistakes` function computes, on the trusted side, what a known wrong implementation
would return for the same inputs, so that a student's output can be recognised and named.
"""

import torch
import torch.nn.functional as F

from dlnlp.testing import Mistake

HINT_SOFTMAX_DIM = (
    "the softmax is taken over the wrong dimension: normalise over `dim` (default -1)"
)
HINT_NO_SHIFT = (
    "exp overflows for large scores: subtract the max along the softmax dimension before exp"
)
HINT_CE_GRAD_N = (
    "dlogits is not divided by N: the loss is a mean over rows, so its gradient is "
    "(softmax - Y) / N"
)
HINT_CE_SUM = "the loss is summed over the rows: take the mean over the N rows"
HINT_CE_ARGMAX = (
    "soft labels are treated as class ids (argmax): use the whole row of probabilities Y, "
    "loss -sum_c Y_c log p_c and gradient softmax - Y"
)
HINT_HINGE_MARGIN = (
    "the hinge has no margin: it is max(0, 1 - y (x . w + b)), and a point counts while its "
    "margin is below 1, not 0"
)
HINT_HINGE_B = (
    "b is penalised: the regulariser is 0.5 ||w||^2 only, b has no penalty (no 0.5 b^2, no b in db)"
)
HINT_HINGE_KINK = (
    "a point exactly at margin 1 is counted in the subgradient: only points with margin < 1 "
    "contribute (the subgradient at the kink is 0)"
)
HINT_HINGE_C = "C multiplies the hinge sum, not the regulariser: 0.5 ||w||^2 + C sum max(0, ...)"
HINT_HINGE_MEAN = "the hinge terms are averaged: the SVM objective sums them over the points"
HINT_FIT_B = "b is penalised: the L2 term lam ||w||^2 is on w only, b's step has no 2 lam b"
HINT_FIT_NORM = "the penalty is lam ||w|| (not squared): use lam ||w||^2, whose gradient is 2 lam w"
HINT_FIT_RELABEL = (
    "the hinge labels are converted again: for 'hinge' y is already in {-1, +1}, use it as given"
)
HINT_FIT_BCE_PM1 = (
    "the bce treats y as -1/+1: for 'bce' y is in {0, 1} and the gradient of the mean loss is "
    "(sigmoid(Xw + b) - y) / N"
)
HINT_FIT_NO_SIGMOID = (
    "the bce gradient has no sigmoid: it is (sigmoid(Xw + b) - y) / N, not (Xw + b - y) / N"
)
HINT_FIT_HALF_MSE = (
    "the mse gradient lacks its factor 2: the loss is mean (Xw + b - y)^2 (no 1/2), "
    "gradient 2 (z - y) / N"
)


def softmax_mistakes(x, dim=-1):
    """(hint, wrong output) for each catalogued softmax mistake."""
    x = x.double()
    wrong_dim = 0 if dim in (-1, x.dim() - 1) else -1
    return [
        (HINT_SOFTMAX_DIM, torch.softmax(x, dim=wrong_dim)),
        (
            "the scores are exponentiated but not normalised: divide by the sum along `dim`",
            (x - x.amax(dim=dim, keepdim=True)).exp(),
        ),
    ]


def _targets(logits, y):
    C = logits.shape[1]
    return F.one_hot(y.long(), C).double() if y.dim() == 1 else y.double()


def cross_entropy_reference(logits, y):
    """torch's cross-entropy in float64, and autograd's gradient of it."""
    z = logits.double().clone().requires_grad_(True)
    loss = F.cross_entropy(z, y if y.dim() == 1 else y.double())
    loss.backward()
    return loss.detach(), z.grad


def cross_entropy_mistakes(logits, y):
    """(hints, wrong losses) and (hints, wrong gradients)."""
    Y = _targets(logits, y)
    p = torch.softmax(logits.double(), dim=1)
    per_row = -(Y * torch.log_softmax(logits.double(), dim=1)).sum(1)
    losses = [(HINT_CE_SUM, per_row.sum())]
    grads = [(HINT_CE_GRAD_N, p - Y)]
    if y.dim() == 2:  # soft labels collapsed to their argmax
        ids = y.argmax(1)
        loss, grad = cross_entropy_reference(logits, ids)
        losses.append((HINT_CE_ARGMAX, loss))
        grads.append((HINT_CE_ARGMAX, grad))
    return losses, grads


def _hinge(w, b, X, y, C, margin=1.0, kink=False, b_pen=False, c_on_reg=False, mean=False):
    w, X, y = w.double(), X.double(), y.double()
    b = torch.as_tensor(b, dtype=torch.float64)
    m = y * (X @ w + b)
    active = ((m <= margin) if kink else (m < margin)).double()
    data, scale = torch.clamp(margin - m, min=0).sum(), 1.0
    if mean:
        data, scale = data / len(y), 1.0 / len(y)
    reg, reg_scale = 0.5 * (w @ w), 1.0
    if c_on_reg:
        C, reg, reg_scale = 1.0, C * reg, C
    value = reg + C * data + (0.5 * b * b if b_pen else 0.0)
    dw = reg_scale * w - C * scale * (X * (active * y).unsqueeze(1)).sum(0)
    db = -C * scale * (active * y).sum() + (b if b_pen else 0.0)
    return value, dw, db


def hinge_reference(w, b, X, y, C):
    """value, dw, db in float64, the subgradient 0 at the kink."""
    return _hinge(w, b, X, y, C)


def hinge_mistakes(w, b, X, y, C):
    """Three lists, for the value, dw and db: (hint, what the wrong implementation returns)."""
    wrong = [
        (HINT_HINGE_MARGIN, _hinge(w, b, X, y, C, margin=0.0)),
        (HINT_HINGE_B, _hinge(w, b, X, y, C, b_pen=True)),
        (HINT_HINGE_KINK, _hinge(w, b, X, y, C, kink=True)),
        (HINT_HINGE_C, _hinge(w, b, X, y, C, c_on_reg=True)),
        (HINT_HINGE_MEAN, _hinge(w, b, X, y, C, mean=True)),
    ]
    return tuple([(h, out[i]) for h, out in wrong] for i in range(3))


# -- fit_linear_model -------------------------------------------------------------------------


def objective(w, b, X, y, loss, lam):
    """The contract's objective in float64: mean loss + lam ||w||^2."""
    w, X, y = w.double(), X.double(), y.double()
    z = X @ w + torch.as_tensor(b, dtype=torch.float64)
    if loss == "mse":
        data = ((z - y) ** 2).mean()
    elif loss == "bce":
        data = F.binary_cross_entropy_with_logits(z, y)
    else:
        data = torch.clamp(1 - y * z, min=0).mean()
    return data + lam * (w @ w)


def objective_gradient(w, b, X, y, loss, lam):
    """Autograd's gradient of the smooth objectives (mse, bce) at (w, b), as one (D + 1,) vector."""
    w = w.detach().double().clone().requires_grad_(True)
    b = torch.as_tensor(b, dtype=torch.float64).detach().clone().requires_grad_(True)
    gw, gb = torch.autograd.grad(objective(w, b, X, y, loss, lam), (w, b))
    return torch.cat([gw, gb.reshape(1)])


def descend(X, y, loss, lam, lr, steps, mistake=None):
    """Gradient descent as the contract says, in float64, or with one catalogued `mistake`."""
    X, y = X.double(), y.double()
    N, D = X.shape
    w, b = torch.zeros(D, dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    if mistake == "relabel":
        y = 2 * y - 1
    for _ in range(steps):
        z = X @ w + b
        if loss == "mse":
            g = (z - y) / N if mistake == "half_mse" else 2 * (z - y) / N
        elif loss == "bce" and mistake == "bce_pm1":
            g = -y * torch.sigmoid(-y * z) / N
        elif loss == "bce":
            g = (z - y) / N if mistake == "no_sigmoid" else (torch.sigmoid(z) - y) / N
        else:
            g = -y * (y * z < 1).double() / N
        if mistake == "norm":  # d lam ||w|| = lam w / ||w||, 0 at w = 0
            reg = lam * w / w.norm() if w.norm() > 0 else torch.zeros_like(w)
        else:
            reg = 2 * lam * w
        w, b = w - lr * (X.T @ g + reg), b - lr * (g.sum() + (2 * lam * b if mistake == "b" else 0))
    return torch.cat([w, b.reshape(1)])


FIT_MISTAKES = {
    "b": HINT_FIT_B,
    "norm": HINT_FIT_NORM,
    "relabel": HINT_FIT_RELABEL,
    "bce_pm1": HINT_FIT_BCE_PM1,
    "no_sigmoid": HINT_FIT_NO_SIGMOID,
    "half_mse": HINT_FIT_HALF_MSE,
}


def as_params(w, b):
    """A student's (w, b) as one float64 (D + 1,) vector."""
    return torch.cat([w.detach().double().reshape(-1), torch.as_tensor(b).double().reshape(1)])


def name_fit_mistake(theta, X, y, loss, lam, lr, steps, applies, atol):
    """Raise the hint of the catalogued mistake whose run lands where the student's did."""
    for key in applies:
        if torch.allclose(theta, descend(X, y, loss, lam, lr, steps, key), atol=atol, rtol=0):
            raise Mistake(FIT_MISTAKES[key])
