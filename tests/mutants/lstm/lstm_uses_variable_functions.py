"""Calls torch._C._VariableFunctions directly, the table behind torch.lstm_cell.

target: lstm_cell
hint: not allowed
unaffected: rnn_cell, gru_cell
hidden-only: banned API (torch.lstm_cell, reached through torch._C._VariableFunctions)
"""
import torch


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    table = getattr(torch._C, "_Variable" + "Functions")
    return table.lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh)
