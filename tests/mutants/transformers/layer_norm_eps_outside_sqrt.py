"""eps added to the standard deviation instead of the variance.

target: layer_norm
hint: eps is added outside the square root
unaffected: feed_forward, generate
"""

import torch


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / (torch.sqrt(var) + eps) * gamma + beta
