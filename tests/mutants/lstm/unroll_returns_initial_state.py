"""Returns the state it was given instead of the final one.

target: unroll
hint: not the initial state
unaffected: rnn_cell, lstm_cell, gru_cell, train_char_model
"""
import torch


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    outputs = []
    for x in xs:
        h, c = lstm_cell(x, (h, c), weight_ih, weight_hh, bias_ih, bias_hh)
        outputs.append(h)
    return torch.stack(outputs), state
