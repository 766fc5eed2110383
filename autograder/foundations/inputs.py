"""Seeded random inputs for the hidden tests of foundations: batch dims, scores large enough to
overflow exp, near-ties at |z| = 1e4, soft labels, and small data sets for the linear models."""

import torch


def scores(*batch, n=5, scale=1.0, seed=0):
    """A (*batch, n) float tensor of scores."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*batch, n, generator=g) * scale


def extreme_scores(rows, n, seed=0):
    """(rows, n) scores with |z| about 1e4: the first n - 2 near-tied around +1e4 (spread ~2), the
    last two around -1e4. exp overflows without the max shift; the near-ties keep several
    probabilities away from 0 and 1."""
    g = torch.Generator().manual_seed(seed)
    top = 1e4 + 2 * torch.randn(rows, n - 2, generator=g)
    bottom = -1e4 + torch.randn(rows, 2, generator=g)
    return torch.cat([top, bottom], dim=1)


def class_ids(n, classes, seed=0):
    """(n,) int64 class ids."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(classes, (n,), generator=g)


def soft_labels(n, classes, seed=0):
    """(n, classes) rows of probabilities, none of them one-hot."""
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(n, classes, generator=g), dim=1)


def linear_data(n, d, seed=0, noise=0.1):
    """X (n, d) standard normal and a real target X w* + b* + noise, for mse."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    w = torch.randn(d, generator=g)
    return X, X @ w + 0.3 + noise * torch.randn(n, generator=g)


def labelled_data(n, d, seed=0, gap=0.0, flip=0.0, offset=0.2):
    """X (n, d) and labels in {0, 1} from a random hyperplane: points within `gap` of it are
    pushed out (separable with margin when gap > 0), a fraction `flip` of labels flipped (not
    separable). `offset` moves the hyperplane off the origin, so that b matters."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g)
    u = torch.randn(d, generator=g)
    u = u / u.norm()
    s = X @ u + offset
    X = X + gap * torch.sign(s).unsqueeze(1) * u  # moves each point away from the hyperplane
    y = (s > 0).float()
    flipped = torch.rand(n, generator=g) < flip
    return X, torch.where(flipped, 1 - y, y)
