"""Uses torch.nn.LSTM for the recurrence instead of the student's own lstm_cell.

target: train_char_model
hint: torch.nn.LSTM
unaffected: rnn_cell, lstm_cell, gru_cell, unroll
hidden-only: banned API (torch.nn.LSTM)
"""
import math

import torch


def train_char_model(text, hidden_size, steps, lr, seed):
    chars = sorted(set(text))
    V, H = len(chars), hidden_size
    ids = torch.tensor([chars.index(ch) for ch in text])
    xs = torch.nn.functional.one_hot(ids[:-1], V).float().unsqueeze(1)
    torch.manual_seed(seed)
    rnn = torch.nn.LSTM(V, H)
    head = torch.nn.Linear(H, V)
    optimizer = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=lr)
    losses = []
    for _ in range(steps):
        out, _ = rnn(xs)
        loss = torch.nn.functional.cross_entropy(head(out[:, 0]), ids[1:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
