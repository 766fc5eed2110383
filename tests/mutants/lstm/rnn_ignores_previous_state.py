"""Forgets the recurrence: h' = tanh(W_ih x + b_ih + b_hh), h is never used.

target: rnn_cell
hint: the previous state h is ignored
unaffected: lstm_cell, gru_cell, unroll, train_char_model
"""
import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    pre = x @ weight_ih.T
    if bias_ih is not None:
        pre = pre + bias_ih
    if bias_hh is not None:
        pre = pre + bias_hh
    return torch.tanh(pre)
