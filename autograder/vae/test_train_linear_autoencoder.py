"""Hidden tests for train_linear_autoencoder: gradient descent on the tied linear autoencoder
finds the principal subspace, compared with an SVD of the data (trusted side)."""

import torch

from dlnlp.testing import check, expect_tensor

from .inputs import anisotropic_gaussian, pca_data

STEPS, LR = 400, 0.2
NOT_PCA = (
    "W's rows do not span the top-k principal subspace: minimise the mean over all N * D entries "
    "of (x_hat - x)^2 with (z, x_hat) = tied_autoencoder(x, W), and step W <- W - lr * grad for every step"
)


def projection(W):
    """The orthogonal projection (D, D) onto W's row space."""
    W = W.double()
    return W.T @ torch.linalg.solve(W @ W.T, W)


def reconstruction_error(x, W):
    x, W = x.double(), W.double()
    return float(((x @ W.T @ W - x) ** 2).mean())


def principal_projection(x, k):
    _, _, Vh = torch.linalg.svd(x.double(), full_matrices=False)
    return Vh[:k].T @ Vh[:k]


def trained(student, x, k, seed, steps=STEPS, lr=LR):
    W = expect_tensor(student.train_linear_autoencoder(x, k, steps, lr, seed), "W")
    D = x.shape[1]
    check(
        tuple(W.shape) != (D, k) or k == D,
        "W must be returned as (k, D), nn.Linear's (out, in) convention, not transposed",
    )
    check(tuple(W.shape) == (k, D), "W must have shape (k, D)")
    check(
        bool(torch.isfinite(W).all()),
        "W contains nan or inf: training diverged; descend (W - lr * grad) on the mean (not the sum) of the squared errors",
    )
    return W


def test_learns_the_principal_subspace(student):
    """W spans the top-k principal subspace that an SVD of the data finds"""
    x, V = pca_data(256, [1.5, 1.0, 0.5, 0.3, 0.2, 0.1], seed=30)
    W = trained(student, x, 2, seed=3)
    W0 = trained(student, x, 2, seed=3, steps=0)
    check(
        not torch.allclose(W.double(), W0.double()),
        "W never changes: update W at every step (W <- W - lr * grad) and return the updated W",
    )
    check(
        reconstruction_error(x, W) < reconstruction_error(x, W0),
        "the reconstruction error did not decrease: step against the gradient, W <- W - lr * grad",
    )
    P = principal_projection(x, 2)
    assert torch.allclose(P, V[:, :2] @ V[:, :2].T, atol=1e-8)  # the construction is right
    check(float((projection(W) - P).norm()) < 1e-2, NOT_PCA)


def test_rows_become_orthonormal(student):
    """on anisotropic Gaussian data with k = 3, W W^T = I and W spans the principal subspace"""
    x = anisotropic_gaussian(256, [1.4, 1.2, 1.0, 0.4, 0.3, 0.2], seed=31)
    W = trained(student, x, 3, seed=1)
    check(float((projection(W) - principal_projection(x, 3)).norm()) < 1e-2, NOT_PCA)
    check(
        torch.allclose(W.double() @ W.double().T, torch.eye(3, dtype=torch.float64), atol=1e-2),
        "at the optimum of the tied autoencoder W's rows are orthonormal (W W^T = I): check the loss and the number of steps",
    )


def test_seeded_and_seed_independent_subspace(student):
    """the same seed gives the same W; another seed gives another W with the same subspace"""
    x, _ = pca_data(128, [1.2, 0.9, 0.3, 0.2, 0.1], seed=32)
    W1 = trained(student, x, 2, seed=4)
    W2 = trained(student, x, 2, seed=4)
    check(
        torch.allclose(W1.double(), W2.double(), atol=1e-6),
        "the same seed must give the same W: initialise from a torch.Generator seeded with seed",
    )
    W3 = trained(student, x, 2, seed=5)
    check(
        not torch.allclose(W1.double(), W3.double(), atol=1e-4),
        "the seed is ignored: initialise W from torch.Generator().manual_seed(seed)",
    )
    check(float((projection(W3) - projection(W1)).norm()) < 1e-2, NOT_PCA)
    check(float((projection(W1) - principal_projection(x, 2)).norm()) < 1e-2, NOT_PCA)
