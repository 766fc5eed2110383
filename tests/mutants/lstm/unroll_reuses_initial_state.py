"""Starts every step from (h0, c0) instead of carrying the state.

target: unroll
hint: carry the state
unaffected: rnn_cell, lstm_cell, gru_cell, train_char_model
"""
import torch


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    outputs = []
    for x in xs:
        h_t, c_t = lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh)
        outputs.append(h_t)
    return torch.stack(outputs), (h_t, c_t)
