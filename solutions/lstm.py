"""Reference solution for the `lstm` assignment.

The one place solution code lives. `dlnlp build` splices the body of each function below into
the solution region of the notebook cell whose nbgrader grade_id is the function's name; the
signature and docstring the student sees live in the notebook. Keep each function
self-contained (it may call other graded functions, never private helpers).
"""

import math

import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Reference: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    pre = x @ weight_ih.T + h @ weight_hh.T  # (N, H)
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return torch.tanh(pre)


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Reference: gates i, f, g, o from one (N, 4H) product; c' = f*c + i*g, h' = o*tanh(c')."""
    h, c = state
    gates = x @ weight_ih.T + h @ weight_hh.T  # (N, 4H): rows of W are [W_i; W_f; W_g; W_o]
    if bias_ih is not None:
        gates = gates + bias_ih
    if bias_hh is not None:
        gates = gates + bias_hh
    i, f, g, o = gates.chunk(4, dim=-1)  # each (N, H)
    i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)
    g = torch.tanh(g)
    c_next = f * c + i * g  # the additive memory path
    h_next = o * torch.tanh(c_next)
    return h_next, c_next


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Reference: r, z from both inputs; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)); h' = (1-z) n + z h."""
    gi = x @ weight_ih.T  # (N, 3H): [W_ir; W_iz; W_in] x
    gh = h @ weight_hh.T  # (N, 3H): [W_hr; W_hz; W_hn] h
    if bias_ih is not None:
        gi = gi + bias_ih
    if bias_hh is not None:
        gh = gh + bias_hh
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)  # the reset gate scales W_hn h + b_hn
    return (1 - z) * n + z * h


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Reference: apply lstm_cell at t = 0..T-1, carrying (h, c); stack the h's along time."""
    h, c = state
    outputs = []
    for x in xs:  # x: (N, I), one time step
        h, c = lstm_cell(x, (h, c), weight_ih, weight_hh, bias_ih, bias_hh)
        outputs.append(h)
    return torch.stack(outputs, dim=0), (h, c)  # (T, N, H), ((N, H), (N, H))


def train_char_model(text, hidden_size, steps, lr, seed):
    """Reference: one-hot chars -> LSTM cell -> linear head, mean next-char cross-entropy, Adam."""
    chars = sorted(set(text))
    V, H = len(chars), hidden_size
    index = {ch: k for k, ch in enumerate(chars)}
    ids = torch.tensor([index[ch] for ch in text])  # (T,)
    xs = torch.nn.functional.one_hot(ids[:-1], V).float().unsqueeze(1)  # (T-1, 1, V)
    targets = ids[1:]  # (T-1,): the next character

    torch.manual_seed(seed)
    k = 1 / math.sqrt(H)
    shapes = [(4 * H, V), (4 * H, H), (4 * H,), (4 * H,), (V, H), (V,)]
    params = [(torch.rand(s) * 2 - 1) * k for s in shapes]  # U(-k, k), in this order
    for p in params:
        p.requires_grad_()
    W_ih, W_hh, b_ih, b_hh, W_hy, b_y = params
    optimizer = torch.optim.Adam(params, lr=lr)

    losses = []
    for _ in range(steps):
        h = torch.zeros(1, H)
        c = torch.zeros(1, H)
        logits = []
        for x in xs:
            h, c = lstm_cell(x, (h, c), W_ih, W_hh, b_ih, b_hh)
            logits.append(h @ W_hy.T + b_y)  # (1, V)
        loss = torch.nn.functional.cross_entropy(torch.cat(logits), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
