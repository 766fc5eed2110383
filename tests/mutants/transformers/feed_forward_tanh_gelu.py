"""The tanh approximation of GELU (GPT-2's original code) instead of the exact one.

target: feed_forward
hint: the tanh approximation of GELU
unaffected: layer_norm, generate
"""

import math

import torch


def feed_forward(x, W1, b1, W2, b2):
    h = x @ W1.T + b1
    h = 0.5 * h * (1 + torch.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h**3)))
    return h @ W2.T + b2
