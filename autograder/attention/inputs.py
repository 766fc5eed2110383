"""Seeded random inputs for the hidden attention tests: batch dims, d_k != d_v, L_q != L_k."""

import torch


def qkv(*batch, L_q=4, L_k=6, d_k=5, d_v=7, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(*batch, L_q, d_k, generator=g),
        torch.randn(*batch, L_k, d_k, generator=g),
        torch.randn(*batch, L_k, d_v, generator=g),
    )


def random_mask(*shape, seed=0):
    """A non-symmetric bool mask where every query may attend to at least one key."""
    g = torch.Generator().manual_seed(seed)
    mask = torch.rand(*shape, generator=g) > 0.4
    mask[..., 0] |= ~mask.any(dim=-1)  # no fully masked rows
    return mask


def mha_inputs(B=2, L_q=3, L_k=5, d_model=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    x_q, x_k, x_v = (torch.randn(B, L, d_model, generator=g) for L in (L_q, L_k, L_k))
    weights = [torch.randn(d_model, d_model, generator=g) / d_model**0.5 for _ in range(4)]
    return (x_q, x_k, x_v, *weights)
