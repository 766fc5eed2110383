"""Trusted side of the GAN tests: gan_train_step and its catalogued mistakes computed here on the
given MLP (autograder/generative/given.py), and what a train_gan run's generator draws.

gan_train_step is graded on three SGD steps: the student's function steps the notebook's MLPs in
the worker (made there with the notebook's MLP and sgd_over), and the same steps run here on
copies holding the same start values, read by the kit's probe. SGD, never Adam: after an Adam
step a parameter whose true gradient is 0 moves by about lr on rounding noise. G maps z_dim = 3
to d = 2 and the batches have N = 5 rows, so that no axis can stand for another.

train_gan is graded on behaviour: the generator's parameters after a run, read by the probe, go
into a trusted MLP, which draws here."""

from __future__ import annotations

import functools
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from .given import MLP, load_points

HERE = Path(__file__).resolve().parent
MIXTURE = HERE.parents[1] / "assignments" / "generative" / "data" / "mixture.txt"
MODES = (-4.0, 0.0, 4.0)  # the mixture's means (data/make_data.py)
NEAR = 1.2  # 3 standard deviations of a mode (STD = 0.4)

Z_DIM, DIM, N, HIDDEN = 3, 2, 5, 8  # z (N, 3) -> G -> (N, 2) -> D -> (N, 1)
LR_D, LR_G, STEPS = 0.5, 0.3, 3  # different rates: an optimizer stepping the wrong network shows

STALE_D = (
    "G's loss was scored by D before its update: first step D (a), then compute G(z) again, "
    "score it with the D just updated and step G (b)"
)
G_FIRST = (
    "the generator was stepped first: (a) trains D on real and detached fakes, then (b) trains "
    "G against the D just updated"
)
MINIMAX = (
    "the generator minimised log(1 - D(G(z))), the minimax loss, which saturates: use the "
    "non-saturating loss, BCE-with-logits(D(G(z)), 1) = -log D(G(z))"
)
SWAPPED = "D's labels are swapped: 1 for the real batch, 0 for the fakes"
MEAN_OF_TERMS = (
    "loss_d is the sum of the two batch means, BCE(D(real), 1) + BCE(D(fake), 0), not their average"
)
NO_ZERO_GRAD_D = (
    "D's gradients accumulated from the previous call ((b) leaves a gradient of loss_g in D's "
    ".grad): call opt_d.zero_grad() before loss_d.backward()"
)
NO_ZERO_GRAD_G = (
    "G's gradients accumulated from the previous call: call opt_g.zero_grad() before "
    "loss_g.backward()"
)
D_IN_B = (
    "D's parameters changed in (b): only opt_g steps there (loss_g's backward reaches D's .grad, "
    "which opt_d.zero_grad() clears in the next call's (a))"
)
G_DETACHED = (
    "the generator did not move: in (b) compute D(G(z)) without .detach(), so that loss_g's "
    "gradient reaches G"
)
FLOATS = "gan_train_step returns (loss_d, loss_g) as two Python floats (.item())"

MISTAKES = {
    "stale_d": STALE_D,
    "g_first": G_FIRST,
    "minimax": MINIMAX,
    "swapped": SWAPPED,
    "mean_of_terms": MEAN_OF_TERMS,
    "no_zero_grad_d": NO_ZERO_GRAD_D,
    "no_zero_grad_g": NO_ZERO_GRAD_G,
    "d_stepped_in_b": D_IN_B,
    "d_stepped_on_loss_g": D_IN_B,
    "g_detached": G_DETACHED,
}


def _bce(logits: torch.Tensor, label: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))


def _d_step(G, D, opt_d, real, z, mistake: str) -> torch.Tensor:
    """(a), or its catalogued mistakes: the returned loss_d, after opt_d.step()."""
    if mistake != "no_zero_grad_d":
        opt_d.zero_grad()
    ones, zeros = (0.0, 1.0) if mistake == "swapped" else (1.0, 0.0)
    loss_d = _bce(D(real), ones) + _bce(D(G(z).detach()), zeros)
    if mistake == "mean_of_terms":
        loss_d = loss_d / 2
    loss_d.backward()
    opt_d.step()
    return loss_d


def step(models, opts, real, z, mistake: str = "") -> tuple[float, float]:
    """One gan_train_step on trusted modules, or one catalogued mistake of it."""
    G, D = models
    opt_g, opt_d = opts
    if mistake in ("stale_d", "g_first"):  # G steps on the D before (a)
        fake = G(z)
        loss_d = _bce(D(real), 1.0) + _bce(D(fake.detach()), 0.0)  # "stale_d": the old fakes
        opt_g.zero_grad()
        loss_g = _bce(D(fake), 1.0)
        loss_g.backward()
        opt_g.step()
        if mistake == "g_first":  # (a) after (b), on fakes of the updated G
            loss_d = _d_step(G, D, opt_d, real, z, mistake)
        else:
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
        return loss_d.item(), loss_g.item()
    loss_d = _d_step(G, D, opt_d, real, z, mistake)
    if mistake != "no_zero_grad_g":
        opt_g.zero_grad()
    if mistake == "d_stepped_on_loss_g":
        opt_d.zero_grad()
    fake = G(z).detach() if mistake == "g_detached" else G(z)
    loss_g = -_bce(D(fake), 0.0) if mistake == "minimax" else _bce(D(fake), 1.0)
    loss_g.backward()
    opt_g.step()
    if mistake.startswith("d_stepped"):
        opt_d.step()
    return loss_d.item(), loss_g.item()


def batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """STEPS (real (N, DIM), z (N, Z_DIM)): the real points away from 0, like data."""
    g = torch.Generator().manual_seed(seed)
    return [
        (torch.randn(N, DIM, generator=g) * 1.5 + 1.0, torch.randn(N, Z_DIM, generator=g))
        for _ in range(STEPS)
    ]


def trusted_models(start: list[dict[str, torch.Tensor]]) -> tuple[nn.Module, nn.Module]:
    G, D = MLP(Z_DIM, DIM, hidden=HIDDEN), MLP(DIM, 1, hidden=HIDDEN)
    for model, values in zip((G, D), start, strict=True):
        model.load_state_dict(values)
    return G, D


def flat(values: list[dict[str, torch.Tensor]]) -> torch.Tensor:
    return torch.cat([v[k].reshape(-1).double() for v in values for k in sorted(v)])


def run(start, seed: int, mistake: str = "") -> tuple[list[tuple[float, float]], torch.Tensor]:
    """The losses of each step and the parameters (G's, then D's) after the last, computed here."""
    G, D = trusted_models(start)
    opts = (torch.optim.SGD(G.parameters(), lr=LR_G), torch.optim.SGD(D.parameters(), lr=LR_D))
    losses = [step((G, D), opts, real, z, mistake) for real, z in batches(seed)]
    return losses, flat([dict(G.named_parameters()), dict(D.named_parameters())])


# ---- train_gan: the data and what a generator draws ----


@functools.cache
def mixture() -> torch.Tensor:
    """The shipped mixture, (2000, 1)."""
    return load_points(MIXTURE)


def mode_shares(values: dict[str, torch.Tensor], n: int = 4000, seed: int = 0):
    """(share of the samples within NEAR of each mode, share near none) of a trusted MLP(1, 1)
    holding `values`, from n draws of z ~ N(0, 1) made here."""
    G = MLP(1, 1)
    G.load_state_dict(values)
    z = torch.randn(n, 1, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        x = G(z).squeeze(-1)  # (n,)
    near = (x[:, None] - torch.tensor(MODES)).abs() < NEAR  # (n, 3)
    return near.float().mean(0).tolist(), 1.0 - near.any(1).float().mean().item()
