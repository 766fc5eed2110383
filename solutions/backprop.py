"""Reference solution for the `backprop` assignment.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name; the
signature and docstring the student sees live in the notebook. Keep each function
self-contained (it may call other graded functions, never private helpers).
"""

import torch


def sigmoid(z):
    """Reference: 1 / (1 + e^{-z}), computed from e^{-|z|} <= 1 so that nothing overflows."""
    e = torch.exp(-z.abs())  # in (0, 1]
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def chain_forward(x, weights, biases):
    """Reference: [a_0 = x, a_1, ..., a_L] with a_l = sigmoid(a_{l-1} @ W_l.T + b_l)."""
    activations = [x]
    for W, b in zip(weights, biases, strict=True):
        activations.append(sigmoid(activations[-1] @ W.T + b))  # (N, d_l)
    return activations


def chain_backward(activations, weights, grad_output):
    """Reference: delta_l = dL/dz_l backwards; dL/dW_l = delta_l^T a_{l-1}, dL/db_l = sum_n delta_l."""
    L = len(weights)
    grad_weights, grad_biases = [None] * L, [None] * L
    a = activations[L]
    delta = grad_output * a * (1 - a)  # dL/dz_L, (N, d_L): sigma'(z) = a (1 - a)
    for i in range(L - 1, -1, -1):  # weights[i] maps activations[i] to activations[i + 1]
        grad_weights[i] = delta.T @ activations[i]  # (d_{i+1}, d_i), summed over the batch
        grad_biases[i] = delta.sum(dim=0)  # (d_{i+1},)
        if i > 0:
            a = activations[i]
            delta = (delta @ weights[i]) * a * (1 - a)  # dL/dz of the layer below, (N, d_i)
    return grad_weights, grad_biases


def mse_loss(y_pred, y):
    """Reference: mean over all elements of (y_pred - y)^2, and its gradient 2 (y_pred - y) / n."""
    diff = y_pred - y
    return (diff**2).mean(), 2 * diff / diff.numel()


def bce_loss(p, y):
    """Reference: mean of -(y log p + (1 - y) log(1 - p)); gradient (p - y) / (p (1 - p) n)."""
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    grad = (-y / p + (1 - y) / (1 - p)) / p.numel()
    return loss, grad


def l2_penalty(weights, lam):
    """Reference: lam * sum of squared Frobenius norms, and its gradients 2 lam W_l."""
    penalty = lam * sum((W**2).sum() for W in weights)
    return penalty, [2 * lam * W for W in weights]


def sgd_step(weights, grads, eta, lam):
    """Reference: W - eta (G + 2 lam W) for each layer, as new tensors."""
    return [W - eta * (G + 2 * lam * W) for W, G in zip(weights, grads, strict=True)]


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    """Reference: forward storing each layer's input and act(z), then backprop, ||dL/dW_l||_F."""
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"unknown activation {activation!r}")
    inputs, outs = [], []
    a = x
    for W, b in zip(weights, biases, strict=True):
        z = a @ W.T + b
        h = sigmoid(z) if activation == "sigmoid" else torch.relu(z)
        inputs.append(a)
        outs.append(h)
        a = a + h if residual else h
    grad = grad_output  # dL/da_l, starting at the top
    norms = [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        h = outs[i]
        act_grad = h * (1 - h) if activation == "sigmoid" else (h > 0).to(h.dtype)
        delta = grad * act_grad  # dL/dz_l
        norms[i] = torch.linalg.norm(delta.T @ inputs[i])  # Frobenius norm of dL/dW_l
        back = delta @ weights[i]  # through the layer's weights
        grad = grad + back if residual else back  # the skip passes grad through unchanged
    return torch.stack(norms)
