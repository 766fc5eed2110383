"""Follows Cho et al. (2014): resets h before the product, W_hn (r * h) + b_hn.

target: gru_cell
hint: the reset gate scales W_hn h + b_hn
unaffected: rnn_cell, lstm_cell, unroll, train_char_model
"""
import torch


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    W_hr, W_hz, W_hn = weight_hh.chunk(3, dim=0)
    b_ih = torch.zeros(weight_ih.shape[0]) if bias_ih is None else bias_ih
    b_hh = torch.zeros(weight_hh.shape[0]) if bias_hh is None else bias_hh
    i_r, i_z, i_n = (x @ weight_ih.T + b_ih).chunk(3, dim=1)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(i_r + h @ W_hr.T + b_hr)
    z = torch.sigmoid(i_z + h @ W_hz.T + b_hz)
    n = torch.tanh(i_n + (r * h) @ W_hn.T + b_hn)
    return (1 - z) * n + z * h
