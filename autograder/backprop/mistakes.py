"""Catalogued misconceptions for the backprop assignment, as (hint, wrong output) pairs.

Each function computes, on the trusted side and in float64, what a known wrong implementation
would return for the same inputs, so that a student's output can be recognised and named.
"""

import torch

DSIG_OF_A = (
    "sigma' is applied to the activation a, which is already sigma(z): "
    "sigma'(z) = a (1 - a), not sigma(a) (1 - sigma(a))"
)
REVERSED = "the gradients are in reverse layer order: entry l must belong to weights[i] (first layer first)"


def _sig(z):
    return 1 / (1 + torch.exp(-z))


def sigmoid_mistakes(z):
    z = z.double()
    return [
        (
            "the sign of the exponent is flipped: sigma(z) = 1 / (1 + e^{-z})",
            1 / (1 + torch.exp(z)),
        ),
        ("this is tanh, not the logistic sigmoid 1 / (1 + e^{-z})", torch.tanh(z)),
        ("this is e^{-z}: sigma(z) = 1 / (1 + e^{-z})", torch.exp(-z)),
    ]


def forward_variant(x, weights, biases, *, transpose=False, bias=True, last_sigmoid=True):
    acts = [x.double()]
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        W = W.double()
        if transpose and W.shape[0] != W.shape[1]:
            return None
        z = acts[-1] @ (W if transpose else W.T) + (b.double() if bias else 0)
        acts.append(_sig(z) if (last_sigmoid or i < len(weights) - 1) else z)
    return acts


def forward_mistakes(x, weights, biases):
    """(hint, wrong activation list) for each catalogued chain_forward mistake."""
    cases = [
        (
            "the weights follow nn.Linear's convention (out, in): a_l = sigma(a_{l-1} @ W_l.T + b_l)",
            dict(transpose=True),
        ),
        ("the bias b_l is missing from z_l = a_{l-1} @ W_l.T + b_l", dict(bias=False)),
        ("the last layer must apply the sigmoid too: a_L = sigma(z_L)", dict(last_sigmoid=False)),
    ]
    out = []
    for hint, kw in cases:
        acts = forward_variant(x, weights, biases, **kw)
        if acts is not None:
            out.append((hint, acts))
    return out


def backward_variant(
    acts,
    weights,
    g,
    *,
    dsig_of_a=False,
    transpose=False,
    bias_mean=False,
    weight_mean=False,
    reverse=False,
    no_output_dsig=False,
    no_hidden_dsig=False,
    back_through_WT=False,
    use_output_act=False,
):
    """A (possibly wrong) manual backward pass in float64: (grad_weights, grad_biases)."""
    acts = [a.double() for a in acts]
    Ws = [W.double() for W in weights]
    L, N = len(Ws), acts[0].shape[0]

    def dsig(a):
        s = _sig(a) if dsig_of_a else a
        return s * (1 - s)

    delta = g.double() if no_output_dsig else g.double() * dsig(acts[L])
    gW, gb = [None] * L, [None] * L
    for i in range(L - 1, -1, -1):
        a_in = acts[i + 1] if use_output_act else acts[i]
        if use_output_act and a_in.shape[1] != acts[i].shape[1]:
            return None
        gW[i] = a_in.T @ delta if transpose else delta.T @ a_in
        if weight_mean:
            gW[i] = gW[i] / N
        gb[i] = delta.mean(0) if bias_mean else delta.sum(0)
        if i > 0:
            if back_through_WT and Ws[i].shape[0] == Ws[i].shape[1]:  # only runs on square layers
                back = delta @ Ws[i].T
            else:
                back = delta @ Ws[i]
            delta = back if no_hidden_dsig else back * dsig(acts[i])
    if reverse:
        gW, gb = gW[::-1], gb[::-1]
    return gW, gb


BACKWARD_CASES = [
    (DSIG_OF_A, dict(dsig_of_a=True)),
    (
        "the weight gradient is transposed: dL/dW_l has W_l's shape (d_l, d_{l-1}): delta_l^T @ a_{l-1}",
        dict(transpose=True),
    ),
    (
        "the bias gradient is averaged over the batch: the contract asks for the sum over the batch",
        dict(bias_mean=True),
    ),
    (
        "the weight gradient is averaged over the batch: the contract asks for the sum over the batch",
        dict(weight_mean=True),
    ),
    (REVERSED, dict(reverse=True)),
    (
        "grad_output is dL/da_L, not dL/dz_L: multiply it by sigma'(z_L) = a_L (1 - a_L) first",
        dict(no_output_dsig=True),
    ),
    (
        "sigma' is missing in the hidden layers: delta_{l-1} = (delta_l @ W_l) * a_{l-1} (1 - a_{l-1})",
        dict(no_hidden_dsig=True),
    ),
    (
        "the error is sent back through W_l.T: with W_l of shape (out, in), delta_{l-1} uses delta_l @ W_l",
        dict(back_through_WT=True),
    ),
    (
        "the weight gradient uses the layer's output a_l: dL/dW_l = delta_l^T @ a_{l-1}, the layer's input",
        dict(use_output_act=True),
    ),
]


def backward_mistakes(acts, weights, g, *, which):
    """(hint, wrong list) for chain_backward: which = 0 for the weight gradients, 1 for the biases."""
    out = []
    for hint, kw in BACKWARD_CASES:
        res = backward_variant(acts, weights, g, **kw)
        if res is not None:
            out.append((hint, res[which]))
    return out


def mse_mistakes(y_pred, y, *, which):
    d = (y_pred - y).double()
    n, N = d.numel(), d.shape[0]
    cases = [
        (
            "the loss is summed: the contract asks for the mean over all elements",
            (d**2).sum(),
            2 * d,
        ),
        ("the gradient is missing the factor 2: d/dy (y - t)^2 = 2 (y - t)", None, d / n),
        ("the gradient has the wrong sign: it is 2 (y_pred - y) / n", None, -2 * d / n),
        (
            "the gradient of the mean is missing the 1/n: it is 2 (y_pred - y) / n, n = number of elements",
            None,
            2 * d,
        ),
    ]
    if d.dim() > 1 and d[0].numel() > 1:
        cases.append(
            (
                "the mean is over the batch only: average over ALL elements (n = y.numel())",
                (d**2).sum() / N,
                2 * d / N,
            )
        )
    return [(h, c[which]) for h, *c in cases if c[which] is not None]


def bce_mistakes(p, y, *, which):
    p, y = p.double(), y.double()
    n = p.numel()
    elem = -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
    grad = (p - y) / (p * (1 - p)) / n
    cases = [
        (
            "the loss is summed: the contract asks for the mean over all elements",
            elem.sum(),
            grad * n,
        ),
        ("the minus sign is missing: BCE = -(y log p + (1 - y) log(1 - p))", -elem.mean(), None),
        ("the gradient has the wrong sign: dL/dp = (-y/p + (1 - y)/(1 - p)) / n", None, -grad),
        ("the gradient of the mean is missing the 1/n (n = number of elements)", None, grad * n),
        (
            "(p - y) / n is the gradient with respect to the logit z; the contract asks for dL/dp",
            None,
            (p - y) / n,
        ),
    ]
    return [(h, c[which]) for h, *c in cases if c[which] is not None]


def l2_mistakes(weights, lam, *, which):
    Ws = [W.double() for W in weights]
    sq = sum((W**2).sum() for W in Ws)
    cases = [
        ("the gradient of lam * ||W||^2 is 2 * lam * W, not lam * W", None, [lam * W for W in Ws]),
        (
            "the penalty has a 1/2: the contract asks for lam * sum_l ||W_l||_F^2",
            lam * sq / 2,
            None,
        ),
        (
            "the Frobenius norm must be squared: lam * sum_l ||W_l||_F^2",
            lam * sum(torch.linalg.norm(W) for W in Ws),
            [lam * W / torch.linalg.norm(W) for W in Ws],
        ),
        ("the penalty is not multiplied by lam", sq, [2 * W for W in Ws]),
    ]
    return [(h, c[which]) for h, *c in cases if c[which] is not None]


def sgd_mistakes(weights, grads, eta, lam):
    pairs = [(W.double(), G.double()) for W, G in zip(weights, grads, strict=True)]
    cases = [
        (
            "the step goes uphill: gradient DEScent subtracts eta * (G + 2 lam W)",
            [W + eta * (G + 2 * lam * W) for W, G in pairs],
        ),
        (
            "the weight decay of lam * ||W||^2 has gradient 2 * lam * W, not lam * W",
            [W - eta * (G + lam * W) for W, G in pairs],
        ),
        (
            "the weight decay is missing: the step uses G + 2 * lam * W",
            [W - eta * G for W, G in pairs],
        ),
        (
            "the weight decay must be multiplied by eta too: W - eta * (G + 2 lam W)",
            [W - eta * G - 2 * lam * W for W, G in pairs],
        ),
        (
            "the learning rate must multiply the gradient: W - eta * (G + 2 lam W)",
            [W - (G + 2 * lam * W) for W, G in pairs],
        ),
    ]
    return cases


def norms_variant(
    x,
    weights,
    biases,
    g,
    activation,
    residual,
    *,
    dsig_of_h=False,
    reverse=False,
    skip_backward=True,
    skip_forward=True,
    squared=False,
    bias_norms=False,
    mean=False,
    deriv_from_sum=False,
):
    """A (possibly wrong) manual layer_grad_norms in float64."""
    a = x.double()
    inputs, outs, totals = [], [], []
    for W, b in zip(weights, biases, strict=True):
        z = a @ W.double().T + b.double()
        h = _sig(z) if activation == "sigmoid" else torch.relu(z)
        inputs.append(a)
        outs.append(h)
        a = a + h if (residual and skip_forward) else h
        totals.append(a)
    grad = g.double()
    norms = [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        h = outs[i]
        if deriv_from_sum:
            h = totals[i]
        if activation == "sigmoid":
            s = _sig(h) if dsig_of_h else h
            d = s * (1 - s)
        else:
            d = (h > 0).double()
        delta = grad * d
        G = delta.sum(0) if bias_norms else delta.T @ inputs[i]
        if mean:
            G = G / x.shape[0]
        norms[i] = (G**2).sum() if squared else torch.linalg.norm(G)
        back = delta @ weights[i].double()
        grad = grad + back if (residual and skip_backward and skip_forward) else back
    out = torch.stack(norms)
    return out.flip(0) if reverse else out


def norms_mistakes(x, weights, biases, g, activation="sigmoid", residual=False):
    cases = [
        (
            "the norms are in reverse order: entry l belongs to weights[i], first layer first",
            dict(reverse=True),
        ),
        ("return the Frobenius norm ||dL/dW_l||_F, not its square", dict(squared=True)),
        (
            "these are the norms of the bias gradients: the contract asks for ||dL/dW_l||_F",
            dict(bias_norms=True),
        ),
        (
            "the gradients are averaged over the batch: the contract sums over the batch",
            dict(mean=True),
        ),
    ]
    if activation == "sigmoid":
        cases.append((DSIG_OF_A, dict(dsig_of_h=True)))
    if residual:
        cases += [
            (
                "the backward pass ignores the skip connection: with a_l = a_{l-1} + act(z_l), "
                "dL/da_{l-1} = dL/da_l + (dL/dz_l) @ W_l",
                dict(skip_backward=False),
            ),
            (
                "residual=True must add the skip connection: a_l = a_{l-1} + act(z_l)",
                dict(skip_forward=False),
            ),
        ]
        cases.append(
            (
                "act'(z_l) must be computed from z_l (or act(z_l)), not from the residual sum "
                "a_l = a_{l-1} + act(z_l)",
                dict(deriv_from_sum=True),
            )
        )
    return [
        (h, norms_variant(x, weights, biases, g, activation, residual, **kw)) for h, kw in cases
    ]
