"""Trusted side of the train_ddpm and sample_ddpm tests: a reverse chain computed here (and its
catalogued wrong versions), the two distances between point sets, seeded initial weights for the
given Denoiser, the one shared training run of a submission's train_ddpm on the released moons,
and the small Denoiser trained here that the sampler's tests run.

The student's train_ddpm trains the notebook's Denoiser in the worker; what is credited is read by
the kit's probes (the raw parameter values, the optimizer's steps, stale gradients) and the
samples are drawn HERE, by `reverse_chain` from those parameters loaded into given.Denoiser, and
compared with the hidden held-out moons. The held-out points never reach the worker.
"""

from __future__ import annotations

import functools
from pathlib import Path

import torch

from dlnlp.testing import check

from .diffusion import schedule, student_denoiser, trusted_denoiser
from .given import Denoiser, load_points

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parents[1] / "assignments" / "generative" / "data"  # released with the notebook

# The notebook's run (its ddpm-demo cell), repeated by the grader: train_ddpm's arguments.
# half the notebook's run (3000 steps of 512), a quarter of its cost: grading stays within budget
T, STEPS, BATCH, LR = 1000, 1500, 256, 1e-3
GRADING_SEED = 0
N_SAMPLES = 1000  # drawn here from the trained parameters (1.3 s on one core)


@functools.cache
def moons() -> torch.Tensor:
    """The released moons, (2000, 2), SORTED by their first coordinate: a correct train_ddpm draws
    its rows at random and cannot tell, while one that takes data[:batch_size] at every step
    sees only the leftmost quarter of the moons."""
    data = load_points(PUBLIC / "moons.txt")
    return data[data[:, 0].argsort()]


@functools.cache
def heldout() -> torch.Tensor:
    """The hidden moons (2000, 2): only ever used here, never sent to the worker."""
    return load_points(HERE / "data" / "moons_heldout.txt")


def initial_state(T: int, hidden: int, seed: int) -> dict[str, torch.Tensor]:
    """A seeded Denoiser(T, hidden)'s state dict (torch's default initialisation)."""
    torch.manual_seed(seed)
    return {k: v.clone() for k, v in Denoiser(T, hidden).state_dict().items()}


@torch.no_grad()
def reverse_chain(model, n: int, T: int, generator: torch.Generator) -> torch.Tensor:
    """DDPM's ancestral sampler, computed here: x_T ~ N(0, I), then for t = T-1 ... 0,
    x_(t-1) = (x_t - beta_t / sqrt(1 - abar_t) eps(x_t, t)) / sqrt(alpha_t) + sqrt(beta_t) z
    (no noise at t = 0). (n, 2)."""
    betas, alphas, alpha_bars = schedule(T)
    x = torch.randn(n, 2, generator=generator)
    for t in range(T - 1, -1, -1):
        eps = model(x, torch.full((n,), t, dtype=torch.long))
        x = (x - betas[t] / (1 - alpha_bars[t]).sqrt() * eps) / alphas[t].sqrt()
        if t > 0:
            x = x + betas[t].sqrt() * torch.randn(n, 2, generator=generator)
    return x


def _mean_distance(a: torch.Tensor, b: torch.Tensor, rows: int = 1000) -> float:
    """E|X - Y| over all pairs of rows, in float64, a block of rows at a time (bounded memory)."""
    total = sum(float(torch.cdist(a[i : i + rows], b).sum()) for i in range(0, len(a), rows))
    return total / (len(a) * len(b))


def energy_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """2 E|X - Y| - E|X - X'| - E|Y - Y'| over the two samples (0 for one distribution)."""
    a, b = a.double(), b.double()
    return 2 * _mean_distance(a, b) - _mean_distance(a, a) - _mean_distance(b, b)


def median_nearest(a: torch.Tensor, b: torch.Tensor) -> float:
    """The median over a's points of the distance to the nearest point of b."""
    a, b = a.double(), b.double()
    nearest = [torch.cdist(a[i : i + 1000], b).min(dim=1).values for i in range(0, len(a), 1000)]
    return float(torch.cat(nearest).median())


# --- train_ddpm: the shared run --------------------------------------------------------------

HINT_GIVEN = (
    "the notebook's Denoiser no longer computes what it did: train_ddpm is graded on the given "
    "Denoiser, so restore that cell from the release"
)
HINT_FLOATS = (
    "train_ddpm must return a list of Python floats, one loss per step (append loss.item(), not "
    "the tensor)"
)


def _check_given(model, T: int, hidden: int, values: dict[str, torch.Tensor]) -> None:
    """The worker's Denoiser, holding `values`, computes what given.Denoiser does with them."""
    g = torch.Generator().manual_seed(5)
    x, t = torch.randn(16, 2, generator=g), torch.randint(T, (16,), generator=g)
    with torch.no_grad():
        expected = trusted_denoiser(T, hidden, values)(x, t)
    out = model(x, t)
    check(
        isinstance(out, torch.Tensor)
        and out.shape == expected.shape
        and torch.allclose(out.double(), expected.double(), atol=1e-5),
        HINT_GIVEN,
    )


def denoiser(student, T: int, hidden: int, values: dict[str, torch.Tensor]):
    """The notebook's Denoiser(T, hidden) in the worker, holding `values`, checked."""
    model = student_denoiser(student, T, hidden, values)
    _check_given(model, T, hidden, values)
    return model


def check_losses(losses, steps: int) -> list[float]:
    check(
        isinstance(losses, (list, tuple))
        and len(losses) == steps
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in losses),
        HINT_FLOATS,
    )
    return [float(v) for v in losses]


def trained(student, seed: int = GRADING_SEED):
    """The student's train_ddpm run (T = 1000, 1500 Adam steps of 256 moons),
    watched by the probes, then N_SAMPLES points drawn HERE from the parameters it left:
    (initial values, values after, optimizer report, gradient report, losses, samples)."""
    student.seed(seed)
    start = initial_state(T, 128, seed)
    model = denoiser(student, T, 128, start)
    model.probe("watch_optimizers")
    model.probe("watch_gradients")
    losses = student.train_ddpm(
        model, moons(), T, STEPS, BATCH, LR, torch.Generator().manual_seed(seed)
    )
    after = model.probe("parameter_values")
    optimizer, gradients = model.probe("optimizer_report"), model.probe("gradient_report")
    samples = reverse_chain(
        trusted_denoiser(T, 128, after), N_SAMPLES, T, torch.Generator().manual_seed(1000 + seed)
    )
    return start, after, optimizer, gradients, losses, samples


def shared_run(student):
    """trained(student), made once per worker and shared by the tests that read it."""
    return student.shared(("train_ddpm", GRADING_SEED), lambda: trained(student))


# --- sample_ddpm: a small Denoiser trained here ------------------------------------------------

SMALL = 16  # the sampler's tests use Denoiser(T, hidden=16)
CENTRES = ((-1.5, 0.5), (1.0, 1.5), (0.5, -1.0))  # a mixture of three flat Gaussians
SPREAD = (0.3, 0.15)


def _mixture(n: int, g: torch.Generator) -> torch.Tensor:
    k = torch.randint(len(CENTRES), (n,), generator=g)
    return torch.tensor(CENTRES)[k] + torch.randn(n, 2, generator=g) * torch.tensor(SPREAD)


@functools.cache
def small_state(T: int, steps: int = 300, seed: int = 7) -> dict[str, torch.Tensor]:
    """A Denoiser(T, 16) trained here for `steps` Adam steps on a 2-D mixture (seeded): weights
    whose predictions move the reverse chain (the samples leave N(0, I)) and keep it stable."""
    g = torch.Generator().manual_seed(seed)
    model = Denoiser(T, SMALL)
    model.load_state_dict(initial_state(T, SMALL, seed))
    _, _, alpha_bars = schedule(T)
    params = list(model.parameters())
    m = [torch.zeros_like(p) for p in params]  # Adam's moments, written out: building a first
    v = [torch.zeros_like(p) for p in params]  # torch.optim optimizer costs a second of imports
    for step in range(1, steps + 1):
        x0, t = _mixture(256, g), torch.randint(T, (256,), generator=g)
        eps = torch.randn(256, 2, generator=g)
        abar = alpha_bars[t].unsqueeze(-1)
        loss = ((model(abar.sqrt() * x0 + (1 - abar).sqrt() * eps, t) - eps) ** 2).mean()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, grad, m_p, v_p in zip(params, grads, m, v, strict=True):
                m_p.mul_(0.9).add_(grad, alpha=0.1)
                v_p.mul_(0.999).addcmul_(grad, grad, value=0.001)
                p.sub_(1e-2 * (m_p / (1 - 0.9**step)) / ((v_p / (1 - 0.999**step)).sqrt() + 1e-8))
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


@torch.no_grad()
def wrong_chain(model, n: int, T: int, generator: torch.Generator, mistake: str) -> torch.Tensor:
    """reverse_chain with one catalogued mistake of a sampler (SAMPLER_MISTAKES' keys)."""
    betas, alphas, alpha_bars = schedule(T)
    if mistake == "zeros":
        x = torch.zeros(n, 2)
    elif mistake == "uniform":
        x = torch.rand(n, 2, generator=generator)
    else:
        x = torch.randn(n, 2, generator=generator)
    once = torch.randn(n, 2, generator=generator)
    for t in range(T) if mistake == "ascending" else range(T - 1, -1, -1):
        eps = model(x, torch.full((n,), t, dtype=torch.long))
        x = (x - betas[t] / (1 - alpha_bars[t]).sqrt() * eps) / alphas[t].sqrt()
        if t > 0 and mistake != "no_noise":
            z = once if mistake == "same_z" else torch.randn(n, 2, generator=generator)
            x = x + betas[t].sqrt() * z
    return x


SAMPLER_MISTAKES = {
    "ascending": "the chain must run from t = T-1 down to 0 (range(T - 1, -1, -1)), not upwards",
    "no_noise": "no noise was added along the chain: pass a fresh z ~ N(0, I) to p_sample_step "
    "at every step t > 0",
    "zeros": "x_T must be drawn from N(0, I), torch.randn(n, 2, generator=generator), not set "
    "to zeros",
    "uniform": "x_T ~ N(0, I) is torch.randn, not torch.rand (uniform over [0, 1))",
    "same_z": "one z was reused at every step: draw a fresh z ~ N(0, I) at each step t > 0",
}
