"""Swaps the roles of the gates in the cell update: c' = f * g + i * c.

target: lstm_cell
hint: the forget gate scales the old cell state
unaffected: rnn_cell, gru_cell
"""
import torch


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    gates = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        gates = gates + bias_ih
    if bias_hh is not None:
        gates = gates + bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c_next = torch.sigmoid(f) * torch.tanh(g) + torch.sigmoid(i) * c
    return torch.sigmoid(o) * torch.tanh(c_next), c_next
