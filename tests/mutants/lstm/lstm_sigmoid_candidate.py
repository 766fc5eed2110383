"""Squashes the candidate g with a sigmoid like the gates, instead of tanh.

target: lstm_cell
hint: the candidate g uses tanh
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
    i, f, g, o = torch.sigmoid(gates).chunk(4, dim=1)
    c_next = f * c + i * g
    return o * torch.tanh(c_next), c_next
