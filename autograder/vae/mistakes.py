"""Catalogued misconceptions for the vae assignment, as (hint, wrong output) pairs.

Each `*_mistakes` function computes, on the trusted side and in float64, what a known wrong
implementation returns for the same inputs, so that a student's output can be recognised and
named. The hints name the misconception; they never contain inputs or expected values.
"""

import torch
import torch.nn.functional as F

STD_IS_VARIANCE = (
    "the std is exp(0.5 * logvar): logvar is the log of the variance, so exp(logvar) is the "
    "variance, not the standard deviation"
)
STD_IS_LOGVAR = "logvar is the log-variance, not the std: the std is exp(0.5 * logvar)"
NOISE_IGNORED = "the noise is ignored: z = mu + std * eps, not z = mu"
NO_GRADIENT = "no gradient reaches {name}: compute z from mu and logvar with torch operations (no .detach(), no torch.no_grad(), no .numpy())"
STABLE = (
    "the loss is not numerically stable for large logits: log(sigmoid(l)) underflows; use "
    "-log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l) (or F.logsigmoid)"
)


def reparameterize_mistakes(mu, logvar, eps):
    mu, logvar, eps = mu.double(), logvar.double(), eps.double()
    return [
        (STD_IS_VARIANCE, mu + torch.exp(logvar) * eps),
        (STD_IS_LOGVAR, mu + logvar * eps),
        (NOISE_IGNORED, mu),
        (
            "the std is exp(+0.5 * logvar), not exp(-0.5 * logvar)",
            mu + torch.exp(-0.5 * logvar) * eps,
        ),
        ("z must be shifted by the mean: z = mu + std * eps", torch.exp(0.5 * logvar) * eps),
        (
            "the std is exp(0.5 * logvar), not 0.5 * exp(logvar)",
            mu + 0.5 * torch.exp(logvar) * eps,
        ),
    ]


def _kl_terms(mu, logvar):
    return 1 + logvar - mu**2 - torch.exp(logvar)  # (N, D)


def kl_mistakes(mu, logvar):
    mu, logvar = mu.double(), logvar.double()
    t = _kl_terms(mu, logvar)
    return [
        ("the KL is summed over the latent dimension D, not averaged", -0.5 * t.mean(-1)),
        (
            "the sign is flipped: KL = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) is never negative",
            0.5 * t.sum(-1),
        ),
        (
            "the mu^2 term is missing: the KL also pulls the means towards 0",
            -0.5 * (1 + logvar - torch.exp(logvar)).sum(-1),
        ),
        ("the factor 0.5 is missing (or doubled)", -t.sum(-1)),
        ("the factor 0.5 is missing (or doubled)", -0.25 * t.sum(-1)),
        (
            "exp(logvar) is the variance sigma^2; the KL uses the variance, not the std exp(0.5 * logvar)",
            -0.5 * (1 + logvar - mu**2 - torch.exp(0.5 * logvar)).sum(-1),
        ),
        (
            "the constant 1 inside the sum is missing: the KL of N(0, I) to itself must be 0",
            -0.5 * (logvar - mu**2 - torch.exp(logvar)).sum(-1),
        ),
    ]


def tied_mistakes(x, W):
    """Wrong (z, x_hat) variants for a square W (k = D), where transposition errors still run."""
    x, W = x.double(), W.double()
    return [
        (
            "the encoder is z = x @ W.T: W is (k, D) in nn.Linear's (out, in) convention",
            (x @ W, x @ W @ W),
        ),
        (
            "the encoder is z = x @ W.T: W is (k, D) in nn.Linear's (out, in) convention",
            (x @ W, x @ W @ W.T),
        ),
        (
            "the decoder is tied and uses W itself on the code: x_hat = z @ W (the decoder's weight is W.T)",
            (x @ W.T, x @ W.T @ W.T),
        ),
    ]


def vae_loss_mistakes(x, x_hat, mu, logvar):
    x, x_hat, mu, logvar = (t.double() for t in (x, x_hat, mu, logvar))
    se = (x_hat - x) ** 2  # (N, D)
    kl = -0.5 * _kl_terms(mu, logvar).sum(-1)  # (N,)
    kl_mean_dz = -0.5 * _kl_terms(mu, logvar).mean(-1)
    return [
        (
            "the reconstruction error is summed over the D features, not averaged (a mean over D re-weights it against the KL)",
            (se.mean(-1) + kl).mean(),
        ),
        ("the KL term is missing: the loss is reconstruction + KL", se.sum(-1).mean()),
        ("the loss is averaged over the batch, not summed", (se.sum(-1) + kl).sum()),
        ("the KL is added, not subtracted: loss = reconstruction + KL", (se.sum(-1) - kl).mean()),
        (
            "the reconstruction error is the plain sum of squared errors, without a factor 1/2",
            (0.5 * se.sum(-1) + kl).mean(),
        ),
        (
            "the KL is summed over the latent coordinates, not averaged",
            (se.sum(-1) + kl_mean_dz).mean(),
        ),
        (
            "the reconstruction error is summed over the D features, not averaged (a mean over D re-weights it against the KL)",
            (se.mean(-1) + kl_mean_dz).mean(),
        ),
    ]


def _bce(logits, label):
    return F.binary_cross_entropy_with_logits(
        logits.double(), torch.full_like(logits.double(), label)
    )


def discriminator_mistakes(real, fake):
    return [
        (
            "the labels are swapped: real samples have label 1 (-log D(x)), fakes label 0 (-log(1 - D(G(z))))",
            _bce(real, 0.0) + _bce(fake, 1.0),
        ),
        (
            "the two terms are added, not averaged: L_D = mean(-log D(x)) + mean(-log(1 - D(G(z))))",
            0.5 * (_bce(real, 1.0) + _bce(fake, 0.0)),
        ),
        (
            "the sign is flipped: the discriminator minimises -[log D(x) + log(1 - D(G(z)))]",
            -(_bce(real, 1.0) + _bce(fake, 0.0)),
        ),
        ("the fake samples' term -log(1 - D(G(z))) is missing", _bce(real, 1.0)),
        ("the real samples' term -log D(x) is missing", _bce(fake, 0.0)),
        (
            "average over the batch, do not sum",
            (F.softplus(-real.double()) + F.softplus(fake.double())).sum(),
        ),
    ]


def generator_mistakes(fake):
    f = fake.double()
    return [
        (
            "this is the saturating loss log(1 - D(G(z))): use the non-saturating -log D(G(z))",
            -F.softplus(f).mean(),
        ),
        (
            "this minimises -log(1 - D(G(z))), which rewards the generator for being caught: use -log D(G(z))",
            F.softplus(f).mean(),
        ),
        ("the sign is flipped: the loss is -log D(G(z)), not log D(G(z))", -F.softplus(-f).mean()),
        ("average over the batch, do not sum", F.softplus(-f).sum()),
    ]
