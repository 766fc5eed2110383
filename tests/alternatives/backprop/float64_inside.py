"""Correct, computing in float64 inside and casting back to the input dtype; stores z and uses
sigma'(z) = sigma(z) sigma(-z)."""
import torch


def sigmoid(z):
    dtype = z.dtype
    z = z.double()
    pos = 1 / (1 + torch.exp(-z.clamp(min=0)))
    ez = torch.exp(z.clamp(max=0))
    neg = ez / (1 + ez)
    return torch.where(z >= 0, pos, neg).to(dtype)


def chain_forward(x, weights, biases):
    dtype = x.dtype
    acts, a = [x], x.double()
    for W, b in zip(weights, biases):
        a = sigmoid(torch.addmm(b.double(), a, W.double().t()))
        acts.append(a.to(dtype))
    return acts


def chain_backward(activations, weights, grad_output):
    dtype = grad_output.dtype
    acts = [a.double() for a in activations]
    Ws = [W.double() for W in weights]
    g = grad_output.double()
    gW, gb = [], []
    for l in range(len(Ws), 0, -1):
        a = acts[l]
        delta = g * a * (1 - a)
        gW.append(torch.mm(delta.t(), acts[l - 1]).to(dtype))
        gb.append(delta.sum(dim=0).to(dtype))
        g = torch.mm(delta, Ws[l - 1])
    return gW[::-1], gb[::-1]


def mse_loss(y_pred, y):
    dtype = y_pred.dtype
    d = y_pred.double() - y.double()
    return d.pow(2).mean().to(dtype), (2 * d / d.numel()).to(dtype)


def bce_loss(p, y):
    dtype = p.dtype
    p, y = p.double(), y.double()
    loss = torch.mean(-torch.xlogy(y, p) - torch.xlogy(1 - y, 1 - p))
    return loss.to(dtype), ((p - y) / (p * (1 - p)) / p.numel()).to(dtype)


def l2_penalty(weights, lam):
    dtype = weights[0].dtype
    pen = sum(W.double().square().sum() for W in weights) * lam
    return pen.to(dtype), [(2 * lam * W.double()).to(W.dtype) for W in weights]


def sgd_step(weights, grads, eta, lam):
    return [torch.add(W.double(), G.double() + 2 * lam * W.double(), alpha=-eta).to(W.dtype) for W, G in zip(weights, grads)]


def layer_grad_norms(x, weights, biases, grad_output, activation="sigmoid", residual=False):
    dtype = x.dtype
    a = x.double()
    cache = []
    for W, b in zip(weights, biases):
        z = a @ W.double().T + b.double()
        cache.append((a, z))
        h = sigmoid(z) if activation == "sigmoid" else z.clamp(min=0)
        a = a + h if residual else h
    g = grad_output.double()
    norms = []
    for (a_in, z), W in zip(reversed(cache), reversed(weights)):
        d = sigmoid(z) * sigmoid(-z) if activation == "sigmoid" else (z > 0).double()
        delta = g * d
        norms.append(torch.linalg.matrix_norm(delta.T @ a_in))
        back = delta @ W.double()
        g = g + back if residual else back
    return torch.stack(norms[::-1]).to(dtype)
