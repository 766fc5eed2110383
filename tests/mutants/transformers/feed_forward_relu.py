"""ReLU, the original transformer's activation, instead of GELU.

target: feed_forward
hint: this is ReLU, not GELU
unaffected: layer_norm, generate
"""

import torch


def feed_forward(x, W1, b1, W2, b2):
    return torch.relu(x @ W1.T + b1) @ W2.T + b2
