"""Stacks the outputs along axis 1, giving (N, T, H).

target: unroll
hint: wrong axis
unaffected: rnn_cell, lstm_cell, gru_cell, train_char_model
"""
import torch


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    outputs = []
    for x in xs:
        h, c = lstm_cell(x, (h, c), weight_ih, weight_hh, bias_ih, bias_hh)
        outputs.append(h)
    return torch.stack(outputs, dim=1), (h, c)
