"""Applies the reset gate to W_hn h only and adds b_hn afterwards: r * (W_hn h) + b_hn.

target: gru_cell
hint: bias included
unaffected: rnn_cell, lstm_cell, unroll, train_char_model
"""
import torch


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    H = h.shape[1]
    gi = x @ weight_ih.T
    if bias_ih is not None:
        gi = gi + bias_ih
    gh = h @ weight_hh.T
    b = torch.zeros(3 * H) if bias_hh is None else bias_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    b_r, b_z, b_n = b.chunk(3)
    r = torch.sigmoid(i_r + h_r + b_r)
    z = torch.sigmoid(i_z + h_z + b_z)
    n = torch.tanh(i_n + r * h_n + b_n)
    return (1 - z) * n + z * h
