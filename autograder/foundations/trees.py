"""Trusted float64 helpers for the hidden tests of standardize, rbf_features, the impurities,
information_gain, best_split and sparse_penalty, and the catalogued wrong outputs of each.

Everything here is computed on the trusted side, from closed forms written independently of the
reference (torch.special.entr for entropy, counting with Python loops for the splits).
"""

import math

import torch

LN2 = math.log(2.0)

HINT_LEAKAGE = (
    "the statistics include the other splits (data leakage): compute mean and std on the "
    "training split only, then apply them to every split"
)
HINT_OWN_STATS = (
    "each split is standardised with its own statistics: apply train's mean and std to every split"
)
HINT_UNBIASED = "the std is the unbiased one: the contract asks for unbiased=False (divide by N)"
HINT_NOT_FLOORED = "a constant column gives nan or inf: clamp the std below at 1e-8"
HINT_NATURAL_LOG = "the entropy is in nats: the contract asks for bits, use log2"
HINT_ENTROPY_NAN = "0 log 0 must count as 0: the entropy is nan where a probability is 0"
HINT_GINI_NOT_SQUARED = "Gini impurity is 1 - sum p^2: square the proportions"
HINT_UNWEIGHTED = (
    "the children are not weighted by their size: weight each child's impurity by "
    "|child| / |parent|"
)
HINT_EMPTY_CHILD = "an empty child must have weight 0 (not nan): skip it or guard the 0 / 0"
HINT_DATA_POINT = (
    "the threshold is a data point: candidates are the midpoints between consecutive distinct "
    "sorted values"
)
HINT_LARGEST_ON_TIE = "on a tie in gain, return the smallest threshold, not the largest"
HINT_SWAPPED_KL = (
    "the KL divergence has its arguments swapped: the penalty is KL(rho || rho_hat), "
    "rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat))"
)
HINT_NOT_SQUARED = "the distance is not squared: the RBF uses exp(-gamma ||x - c||^2)"


def as_float(value) -> torch.Tensor:
    """A student's float or 0-d tensor as a float64 0-d tensor (nan if it cannot be read)."""
    try:
        return torch.as_tensor(float(value), dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return torch.tensor(math.nan, dtype=torch.float64)


# --- standardize ---------------------------------------------------------------------------------


def standardized(splits, mean, std):
    return tuple((s.double() - mean) / std for s in splits)


def standardize_expected(train, *others, unbiased=False, floor=1e-8):
    t = train.double()
    mean, std = t.mean(0), t.std(0, unbiased=unbiased).clamp(min=floor)
    return standardized((train, *others), mean, std)


def standardize_mistakes(train, *others):
    """Per mistake: (hint, tuple of wrong outputs, one per split)."""
    pooled = torch.cat([s.double() for s in (train, *others)])
    own = tuple(
        (s.double() - s.double().mean(0)) / s.double().std(0, unbiased=False)
        for s in (train, *others)
    )
    return [
        (
            HINT_LEAKAGE,
            standardized((train, *others), pooled.mean(0), pooled.std(0, unbiased=False)),
        ),
        (HINT_OWN_STATS, own),
        (HINT_UNBIASED, standardize_expected(train, *others, unbiased=True)),
    ]


# --- impurities ----------------------------------------------------------------------------------


def random_rows(*shape, seed, zeros=True):
    """Probability rows with some entries exactly 0."""
    g = torch.Generator().manual_seed(seed)
    w = torch.rand(*shape, generator=g)
    if zeros:
        w = w * (torch.rand(*shape, generator=g) > 0.35)
        w[..., 0] += 0.1  # never an all-zero row
    return w / w.sum(-1, keepdim=True)


def entropy_bits(p: torch.Tensor) -> torch.Tensor:
    """-sum p log2 p over the last dim in float64; entr(0) = 0."""
    return torch.special.entr(p.double()).sum(-1) / LN2


def gini_closed(p: torch.Tensor) -> torch.Tensor:
    p = p.double()
    return 1.0 - (p * p).sum(-1)


def entropy_mistakes(p):
    p = p.double()
    return [
        (HINT_NATURAL_LOG, entropy_bits(p) * LN2),
        (HINT_ENTROPY_NAN, -(p * torch.log2(p)).sum(-1)),
    ]


def gini_mistakes(p):
    p = p.double()
    return [
        (HINT_GINI_NOT_SQUARED, 1.0 - p.sum(-1)),
        ("Gini impurity is 1 - sum p^2, not sum p^2: subtract from 1", (p * p).sum(-1)),
    ]


def proportions(labels, classes):
    counts = [0] * classes
    for label in labels.tolist():
        counts[int(label)] += 1
    n = sum(counts)
    return torch.tensor([c / n for c in counts], dtype=torch.float64)


IMPURITY = {"entropy": entropy_bits, "gini": gini_closed}


def gain(parent, children, impurity, *, weighted=True):
    """Trusted information gain with Python counting; `weighted=False` is the mean over children."""
    measure, classes, n = IMPURITY[impurity], int(parent.max()) + 1, len(parent)
    kept = [c for c in children if len(c) > 0]
    if weighted:
        rest = sum(len(c) / n * float(measure(proportions(c, classes))) for c in kept)
    else:
        rest = sum(float(measure(proportions(c, classes))) for c in kept) / len(children)
    return float(measure(proportions(parent, classes))) - rest


def information_gain_mistakes(parent, children, impurity):
    wrong = [(HINT_UNWEIGHTED, gain(parent, children, impurity, weighted=False))]
    if impurity == "entropy":
        wrong.append((HINT_NATURAL_LOG, gain(parent, children, impurity) * LN2))
    return [(hint, torch.tensor(value, dtype=torch.float64)) for hint, value in wrong]


# --- best_split ----------------------------------------------------------------------------------


def all_splits(x, y, impurity):
    """[(threshold, gain)] for every midpoint between consecutive distinct sorted values of x."""
    values = sorted(set(x.double().tolist()))
    xs, out = x.double(), []
    for a, b in zip(values[:-1], values[1:], strict=True):
        t = (a + b) / 2
        out.append((t, gain(y, [y[xs <= t], y[xs > t]], impurity)))
    return out


def exhaustive_best(x, y, impurity):
    """(smallest threshold with the largest gain, that gain, the largest threshold with it)."""
    splits = all_splits(x, y, impurity)
    top = max(g for _, g in splits)
    tied = [t for t, g in splits if g >= top - 1e-12]
    return tied[0], top, tied[-1]


# --- sparse_penalty ------------------------------------------------------------------------------


def kl_bernoulli(a, b):
    return a * torch.log(a / b) + (1 - a) * torch.log((1 - a) / (1 - b))


def sparse_penalty_expected(h, rho, beta):
    rho_hat = h.double().mean(0)
    return beta * kl_bernoulli(torch.tensor(rho, dtype=torch.float64), rho_hat).sum()


def sparse_penalty_mistakes(h, rho, beta):
    h, r = h.double(), torch.tensor(rho, dtype=torch.float64)
    rho_hat = h.mean(0)
    return [
        (HINT_SWAPPED_KL, beta * kl_bernoulli(rho_hat, r).sum()),
        ("the penalty is not multiplied by beta", kl_bernoulli(r, rho_hat).sum()),
        (
            "the KL terms are averaged over the units: the penalty sums them over j",
            beta * kl_bernoulli(r, rho_hat).mean(),
        ),
        (
            "rho_hat is averaged over the wrong dim: it is the batch mean of each unit (dim 0)",
            beta * kl_bernoulli(r, h.mean(1)).sum(),
        ),
    ]


# --- rbf_features --------------------------------------------------------------------------------


def sq_dists(X, C):
    """||X_i - C_j||^2 in float64 by explicit differences, (N, M)."""
    return ((X.double()[:, None, :] - C.double()[None, :, :]) ** 2).sum(-1)


def rbf_expected(X, C, gamma):
    return torch.exp(-gamma * sq_dists(X, C))


def rbf_mistakes(X, C, gamma):
    d2 = sq_dists(X, C)
    return [
        (HINT_NOT_SQUARED, torch.exp(-gamma * d2.sqrt())),
        (
            "gamma divides the squared distance: the RBF is exp(-gamma ||x - c||^2)",
            torch.exp(-d2 / gamma),
        ),
        (
            "the sign in the exponent is wrong: the RBF is exp(-gamma ||x - c||^2)",
            torch.exp(gamma * d2),
        ),
        (
            "the RBF has an extra 1/2: the contract is exp(-gamma ||x - c||^2)",
            torch.exp(-0.5 * gamma * d2),
        ),
    ]
