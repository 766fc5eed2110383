"""The unbiased variance (divided by d - 1), as torch.var's default.

target: layer_norm
hint: the variance is the unbiased one
unaffected: feed_forward, generate
"""

import torch


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * gamma + beta
