"""Correct, computing in float64 inside, one example (matrix-vector product) at a time."""
import math

import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    rows = []
    for n in range(x.shape[0]):
        pre = weight_ih.double() @ x[n].double() + weight_hh.double() @ h[n].double()
        if bias_ih is not None:
            pre = pre + bias_ih.double()
        if bias_hh is not None:
            pre = pre + bias_hh.double()
        rows.append(torch.tanh(pre))
    return torch.stack(rows).to(x.dtype)


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    H = h.shape[1]
    hs, cs = [], []
    for n in range(x.shape[0]):
        a = weight_ih.double() @ x[n].double() + weight_hh.double() @ h[n].double()
        if bias_ih is not None:
            a = a + bias_ih.double()
        if bias_hh is not None:
            a = a + bias_hh.double()
        i = 1 / (1 + torch.exp(-a[:H]))
        f = 1 / (1 + torch.exp(-a[H:2 * H]))
        g = torch.tanh(a[2 * H:3 * H])
        o = 1 / (1 + torch.exp(-a[3 * H:]))
        c_n = f * c[n].double() + i * g
        hs.append(o * torch.tanh(c_n))
        cs.append(c_n)
    return torch.stack(hs).to(x.dtype), torch.stack(cs).to(x.dtype)


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    H = h.shape[1]
    out = []
    for n in range(x.shape[0]):
        a = weight_ih.double() @ x[n].double()
        b = weight_hh.double() @ h[n].double()
        if bias_ih is not None:
            a = a + bias_ih.double()
        if bias_hh is not None:
            b = b + bias_hh.double()
        r = torch.sigmoid(a[:H] + b[:H])
        z = torch.sigmoid(a[H:2 * H] + b[H:2 * H])
        cand = torch.tanh(a[2 * H:] + r * b[2 * H:])
        out.append((1 - z) * cand + z * h[n].double())
    return torch.stack(out).to(x.dtype)


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    outs = []
    h, c = state
    for t in range(xs.shape[0]):
        h, c = lstm_cell(xs[t], (h, c), weight_ih, weight_hh, bias_ih, bias_hh)
        outs += [h]
    return torch.stack(outs, 0), (h, c)


def train_char_model(text, hidden_size, steps, lr, seed):
    chars = sorted(set(text))
    V, H = len(chars), hidden_size
    idx = torch.tensor([chars.index(ch) for ch in text])
    torch.manual_seed(seed)
    k = 1 / math.sqrt(H)
    shapes = [(4 * H, V), (4 * H, H), (4 * H,), (4 * H,), (V, H), (V,)]
    params = [torch.nn.Parameter((torch.rand(*s) * 2 - 1) * k) for s in shapes]
    opt = torch.optim.Adam(params, lr)
    xs = torch.zeros(len(text) - 1, 1, V)
    xs[torch.arange(len(text) - 1), 0, idx[:-1]] = 1.0
    result = []
    for _ in range(steps):
        outputs, _ = unroll(xs, (torch.zeros(1, H), torch.zeros(1, H)), *params[:4])
        logits = outputs[:, 0].double() @ params[4].double().T + params[5].double()
        loss = torch.nn.functional.nll_loss(torch.log_softmax(logits, dim=1), idx[1:])
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        result.append(loss.item())
    return result
