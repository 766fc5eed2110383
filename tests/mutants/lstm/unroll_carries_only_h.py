"""Carries h from step to step but restarts the cell state from c0 each time.

target: unroll
hint: carry the state
unaffected: rnn_cell, lstm_cell, gru_cell, train_char_model
"""
import torch


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    c0 = c
    outputs = []
    for x in xs:
        h, c = lstm_cell(x, (h, c0), weight_ih, weight_hh, bias_ih, bias_hh)
        outputs.append(h)
    return torch.stack(outputs), (h, c)
