"""Uses the upper triangle: each query sees the future.

target: causal_mask
hint: the mask is inverted
"""
import torch


def causal_mask(L):
    return torch.ones(L, L, dtype=torch.bool).triu()
