"""Returns only the last hidden state as the outputs.

target: unroll
hint: not only the last one
unaffected: rnn_cell, lstm_cell, gru_cell, train_char_model
"""
import torch


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    for x in xs:
        h, c = lstm_cell(x, (h, c), weight_ih, weight_hh, bias_ih, bias_hh)
    return h, (h, c)
