"""Correct, written with einsum and torch.nn.functional.linear-free products; unroll fills a preallocated tensor."""
import math

import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    pre = torch.einsum("ni,hi->nh", x, weight_ih) + torch.einsum("nk,hk->nh", h, weight_hh)
    for b in (bias_ih, bias_hh):
        if b is not None:
            pre = pre + b
    return pre.tanh()


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    H = h.shape[-1]
    gates = torch.einsum("ni,gi->ng", x, weight_ih) + torch.einsum("nk,gk->ng", h, weight_hh)
    for b in (bias_ih, bias_hh):
        if b is not None:
            gates = gates + b
    gates = gates.unflatten(-1, (4, H))  # (N, 4, H)
    i, f, o = gates[:, 0].sigmoid(), gates[:, 1].sigmoid(), gates[:, 3].sigmoid()
    g = gates[:, 2].tanh()
    c_next = torch.addcmul(f * c, i, g)
    return o * c_next.tanh(), c_next


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    H = h.shape[-1]
    gi = torch.einsum("ni,gi->ng", x, weight_ih)
    gh = torch.einsum("nk,gk->ng", h, weight_hh)
    if bias_ih is not None:
        gi = gi + bias_ih
    if bias_hh is not None:
        gh = gh + bias_hh
    gi, gh = gi.unflatten(-1, (3, H)), gh.unflatten(-1, (3, H))
    rz = (gi[:, :2] + gh[:, :2]).sigmoid()
    r, z = rz[:, 0], rz[:, 1]
    n = (gi[:, 2] + r * gh[:, 2]).tanh()
    return n + z * (h - n)


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    T = xs.shape[0]
    outputs = xs.new_zeros(T, h.shape[0], h.shape[1])
    for t in range(T):
        h, c = lstm_cell(xs[t], (h, c), weight_ih, weight_hh, bias_ih, bias_hh)
        outputs = outputs.index_put((torch.tensor([t]),), h.unsqueeze(0))
    return outputs, (h, c)


def train_char_model(text, hidden_size, steps, lr, seed):
    vocab = sorted(set(text))
    lookup = {ch: k for k, ch in enumerate(vocab)}
    V, H = len(vocab), hidden_size
    ids = torch.tensor([lookup[ch] for ch in text])
    eye = torch.eye(V)
    torch.manual_seed(seed)
    k = 1.0 / math.sqrt(H)
    params = []
    for shape in [(4 * H, V), (4 * H, H), (4 * H,), (4 * H,), (V, H), (V,)]:
        params.append(torch.empty(shape).uniform_(-k, k).requires_grad_())
    opt = torch.optim.Adam(params, lr=lr)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        xs = eye[ids[:-1]].unsqueeze(1)
        hs, _ = unroll(xs, (torch.zeros(1, H), torch.zeros(1, H)), *params[:4])
        logits = torch.einsum("tnh,vh->tnv", hs, params[4])[:, 0] + params[5]
        logp = logits.log_softmax(-1)
        loss = -logp.gather(1, ids[1:, None]).mean()
        loss.backward()
        opt.step()
        out.append(float(loss.detach()))
    return out
