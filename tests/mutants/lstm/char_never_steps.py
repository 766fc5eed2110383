"""Computes the loss and the gradients but never steps the optimiser.

target: train_char_model
hint: the loss never changes
unaffected: rnn_cell, lstm_cell, gru_cell, unroll
"""
import math

import torch


def train_char_model(text, hidden_size, steps, lr, seed):
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
        losses.append(loss.item())
    return losses
