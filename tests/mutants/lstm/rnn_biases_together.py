"""Assumes the two biases are both given or both None, so a lone bias_ih crashes.

target: rnn_cell
hint: a bias may be None
unaffected: lstm_cell, gru_cell, unroll, train_char_model
"""
import torch


def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    pre = x @ weight_ih.T + h @ weight_hh.T
    if bias_ih is not None:
        pre = pre + bias_ih + bias_hh
    return torch.tanh(pre)
