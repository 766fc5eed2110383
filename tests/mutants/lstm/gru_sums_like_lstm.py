"""Adds the input and recurrent pre-activations together as for the LSTM, so r never acts.

target: gru_cell
hint: the reset gate is not applied
unaffected: rnn_cell, lstm_cell, unroll, train_char_model
"""
import torch


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    gi = x @ weight_ih.T
    gh = h @ weight_hh.T
    if bias_ih is not None:
        gi = gi + bias_ih
    if bias_hh is not None:
        gh = gh + bias_hh
    r_pre, z_pre, n_pre = (gi + gh).chunk(3, dim=1)
    r = torch.sigmoid(r_pre)
    z = torch.sigmoid(z_pre)
    n = torch.tanh(n_pre)
    return (1 - z) * n + z * h
