"""Calls the aten operator behind nn.GRUCell through torch.ops, by a computed name.

target: gru_cell
hint: not allowed
unaffected: rnn_cell, lstm_cell, unroll, train_char_model
hidden-only: banned API (torch.gru_cell, reached through torch.ops.aten)
"""
import torch


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    op = getattr(torch.ops.aten, "gru" + "_cell")
    return op(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
