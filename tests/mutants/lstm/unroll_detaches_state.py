"""Detaches the state between steps (truncated BPTT of length 1): the values are right, the gradients are not.

target: unroll
hint: do not detach the state
unaffected: rnn_cell, lstm_cell, gru_cell, train_char_model
"""
import torch


def unroll(xs, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    h, c = state
    outputs = []
    for x in xs:
        h, c = lstm_cell(x, (h.detach(), c.detach()), weight_ih, weight_hh, bias_ih, bias_hh)
        outputs.append(h)
    return torch.stack(outputs), (h, c)
