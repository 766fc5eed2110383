"""Correct, one weight slice and one F.linear per gate; the char model loops over positions."""
import math

import torch
import torch.nn.functional as F


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    _no_none = lambda b, rows: torch.zeros(rows) if b is None else b  # noqa: E731
    H = weight_hh.shape[0]
    return torch.tanh(F.linear(x, weight_ih, _no_none(bias_ih, H)) + F.linear(h, weight_hh, _no_none(bias_hh, H)))


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    _no_none = lambda b, rows: torch.zeros(rows) if b is None else b  # noqa: E731
    h, c = state
    H = h.shape[1]
    b_ih = _no_none(bias_ih, 4 * H)
    b_hh = _no_none(bias_hh, 4 * H)

    def gate(k):
        rows = slice(k * H, (k + 1) * H)
        return F.linear(x, weight_ih[rows], b_ih[rows]) + F.linear(h, weight_hh[rows], b_hh[rows])

    i = torch.sigmoid(gate(0))
    f = torch.sigmoid(gate(1))
    g = torch.tanh(gate(2))
    o = torch.sigmoid(gate(3))
    c_new = f * c + i * g
    return o * torch.tanh(c_new), c_new


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    _no_none = lambda b, rows: torch.zeros(rows) if b is None else b  # noqa: E731
    H = h.shape[1]
    b_ih = _no_none(bias_ih, 3 * H)
    b_hh = _no_none(bias_hh, 3 * H)
    s = [slice(k * H, (k + 1) * H) for k in range(3)]
    r = torch.sigmoid(F.linear(x, weight_ih[s[0]], b_ih[s[0]]) + F.linear(h, weight_hh[s[0]], b_hh[s[0]]))
    z = torch.sigmoid(F.linear(x, weight_ih[s[1]], b_ih[s[1]]) + F.linear(h, weight_hh[s[1]], b_hh[s[1]]))
    n = torch.tanh(F.linear(x, weight_ih[s[2]], b_ih[s[2]]) + r * F.linear(h, weight_hh[s[2]], b_hh[s[2]]))
    return (1 - z) * n + z * h


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    hs = []
    t = 0
    while t < len(xs):
        state = lstm_cell(xs[t], state, weight_ih, weight_hh, bias_ih, bias_hh)
        hs.append(state[0].unsqueeze(0))
        t += 1
    return torch.cat(hs, dim=0), state


def train_char_model(text, hidden_size, steps, lr, seed):
    chars = sorted(set(text))
    V, H = len(chars), hidden_size
    torch.manual_seed(seed)
    bound = 1 / math.sqrt(H)
    W_ih = ((torch.rand(4 * H, V) * 2 - 1) * bound).requires_grad_()
    W_hh = ((torch.rand(4 * H, H) * 2 - 1) * bound).requires_grad_()
    b_ih = ((torch.rand(4 * H) * 2 - 1) * bound).requires_grad_()
    b_hh = ((torch.rand(4 * H) * 2 - 1) * bound).requires_grad_()
    W_out = ((torch.rand(V, H) * 2 - 1) * bound).requires_grad_()
    b_out = ((torch.rand(V) * 2 - 1) * bound).requires_grad_()
    params = [W_ih, W_hh, b_ih, b_hh, W_out, b_out]
    optimizer = torch.optim.Adam(params, lr=lr)
    history = []
    for _ in range(steps):
        h, c = torch.zeros(1, H), torch.zeros(1, H)
        total = 0.0
        for t in range(len(text) - 1):
            x = torch.zeros(1, V)
            x[0, chars.index(text[t])] = 1.0
            h, c = lstm_cell(x, (h, c), W_ih, W_hh, b_ih, b_hh)
            target = torch.tensor([chars.index(text[t + 1])])
            total = total + F.cross_entropy(F.linear(h, W_out, b_out), target)
        loss = total / (len(text) - 1)
        for p in params:
            p.grad = None
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history
