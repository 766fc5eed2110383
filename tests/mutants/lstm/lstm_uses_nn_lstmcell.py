"""Builds an nn.LSTMCell, copies the weights in and calls it.

target: lstm_cell
hint: torch.nn.LSTMCell
unaffected: rnn_cell, gru_cell
"""
import torch


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    cell = torch.nn.LSTMCell(weight_ih.shape[1], weight_hh.shape[1], bias=bias_ih is not None)
    with torch.no_grad():
        cell.weight_ih.copy_(weight_ih)
        cell.weight_hh.copy_(weight_hh)
        if bias_ih is not None:
            cell.bias_ih.copy_(bias_ih)
            cell.bias_hh.copy_(bias_hh)
    return cell(x, state)
