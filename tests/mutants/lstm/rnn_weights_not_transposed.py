"""Multiplies x @ weight_ih and h @ weight_hh without transposing the (out, in) weights.

target: rnn_cell
hint: nn.Linear's (out, in) convention
unaffected: lstm_cell, gru_cell, unroll, train_char_model
"""
import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    pre = x @ weight_ih + h @ weight_hh
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return torch.tanh(pre)
