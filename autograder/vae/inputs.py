"""Seeded inputs for the hidden vae tests (trusted side only)."""

import torch


def gaussian_params(N=7, D=5, seed=0):
    """(mu, logvar) of shape (N, D): means ~ N(0, 1), log-variances spread over [-2, 2]."""
    g = torch.Generator().manual_seed(seed)
    mu = torch.randn(N, D, generator=g)
    logvar = 4 * torch.rand(N, D, generator=g) - 2
    return mu, logvar


def noise(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def pca_data(N, s, seed):
    """Centred (N, D) float32 data whose SVD is known by construction: x = U diag(s sqrt(N)) V^T
    with orthonormal, centred columns U; returns (x, V) with V in float64."""
    g = torch.Generator().manual_seed(seed)
    D = len(s)
    A = torch.randn(N, D, generator=g, dtype=torch.float64)
    U, _ = torch.linalg.qr(A - A.mean(0))
    V, _ = torch.linalg.qr(torch.randn(D, D, generator=g, dtype=torch.float64))
    x = (U * (torch.tensor(s, dtype=torch.float64) * N**0.5)) @ V.T
    return (x - x.mean(0)).float(), V


def anisotropic_gaussian(N, s, seed):
    """Centred (N, D) float32 samples of a Gaussian with axis scales s in a random rotated basis."""
    g = torch.Generator().manual_seed(seed)
    D = len(s)
    Q, _ = torch.linalg.qr(torch.randn(D, D, generator=g, dtype=torch.float64))
    x = (
        torch.randn(N, D, generator=g, dtype=torch.float64) * torch.tensor(s, dtype=torch.float64)
    ) @ Q.T
    return (x - x.mean(0)).float()


def logits(N=10, scale=3.0, seed=0):
    return scale * torch.randn(N, generator=torch.Generator().manual_seed(seed))


# logits far beyond where sigmoid underflows or rounds to 1, in float32 and float64 alike
LARGE_REAL = torch.tensor([1000.0, -1000.0, 120.0, -120.0, 40.0, -40.0, 0.5, 3.0])
LARGE_FAKE = torch.tensor([-1000.0, 1000.0, -90.0, 90.0, -35.0, 35.0, -0.5, -2.0])
