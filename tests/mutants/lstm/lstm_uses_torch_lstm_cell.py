"""Calls PyTorch's fused cell instead of writing the gates.

target: lstm_cell
hint: torch.lstm_cell
unaffected: rnn_cell, gru_cell
hidden-only: banned API (torch.lstm_cell)
"""
import torch


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    return torch.lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh)
