"""Hidden tests for sample_ddpm, on the notebook's given Denoiser(T, hidden=16) in the worker holding
weights trained here on a 2-D mixture (sampling.small_state): its predictions move the chain,
unlike a model whose attributes a sampler could read. The student's samples are compared, as a
distribution, with the reverse chain computed here with the same weights and another seed (mean,
covariance, energy distance), at T = 1000 and at T = 50 (where x_T still shows in x_0). A sample
that fails is compared with each catalogued wrong chain, computed here too, to name the mistake.

Tolerances from 20 pairs of reference runs at different seeds (n = 2000 at T = 1000, 4000 at
T = 50): energy distance at most 0.0036 and 0.0031, means within 2.8 standard errors, covariances
within 8 % (Frobenius, relative); the closest catalogued mistake of each test is at 0.043
(ascending t, T = 1000) and 0.014 (T = 50)."""

import functools

import torch

from dlnlp.testing import Mistake, check

from . import sampling
from .sampling import SAMPLER_MISTAKES, SMALL

MEAN_SE = 5.0  # the means may differ by this many standard errors (of the difference), per axis
COV = 0.25  # relative Frobenius difference of the covariances
ENERGY = {1000: 0.012, 50: 0.008}
N = {1000: 2000, 50: 4000}

HINT_CHAIN = (
    "the samples do not follow DDPM's reverse chain: x_T ~ N(0, I), then p_sample_step for t = "
    "T-1 down to 0, with a fresh z ~ N(0, I) at each step t > 0 and the schedule ddpm_schedule(T)"
)
HINT_SHAPE = "sample_ddpm must return a float tensor of shape (n, 2)"


def _samples(student, T: int, n: int, seed: int, global_seed: int = 0) -> torch.Tensor:
    student.seed(global_seed)  # moves torch's global generator: code that uses it cannot repeat
    model = sampling.denoiser(student, T, SMALL, sampling.small_state(T))
    x = student.sample_ddpm(model, n, T, torch.Generator().manual_seed(seed))
    check(isinstance(x, torch.Tensor) and x.shape == (n, 2) and x.is_floating_point(), HINT_SHAPE)
    check(bool(torch.isfinite(x).all()), "a sample is nan or inf: " + HINT_CHAIN)
    return x.detach().float()


def _statistics_match(x: torch.Tensor, ref: torch.Tensor, T: int) -> bool:
    n = len(x)
    se = (x.var(0) / n + ref.var(0) / n).sqrt()
    mean_ok = bool(((x.mean(0) - ref.mean(0)).abs() <= MEAN_SE * se).all())
    cov_x, cov_ref = torch.cov(x.T), torch.cov(ref.T)
    cov_ok = float((cov_x - cov_ref).norm() / cov_ref.norm()) <= COV
    return mean_ok and cov_ok and sampling.energy_distance(x, ref) <= ENERGY[T]


@functools.cache
def _reference(T: int, n: int, seed: int) -> torch.Tensor:
    """The trusted chain's samples: the same for every submission, so made once per grader."""
    model = sampling.trusted_denoiser(T, SMALL, sampling.small_state(T))
    return sampling.reverse_chain(model, n, T, torch.Generator().manual_seed(seed))


def _follows_the_chain(student, T: int, seed: int) -> None:
    n = N[T]
    x = _samples(student, T, n, seed)
    ref = _reference(T, n, seed + 100)
    if _statistics_match(x, ref, T):
        return
    model = sampling.trusted_denoiser(T, SMALL, sampling.small_state(T))
    for name, hint in SAMPLER_MISTAKES.items():
        wrong = sampling.wrong_chain(model, n, T, torch.Generator().manual_seed(seed + 200), name)
        if sampling.energy_distance(x, wrong) <= ENERGY[T]:
            raise Mistake(hint)
    raise Mistake(HINT_CHAIN)


def test_samples_follow_the_chain_with_1000_steps(student):
    """with T = 1000: mean, covariance and energy distance match the reverse chain's samples"""
    _follows_the_chain(student, 1000, 11)


def test_samples_follow_the_chain_with_50_steps(student):
    """with T = 50, where x_T still matters: the same comparison"""
    _follows_the_chain(student, 50, 12)


def test_same_generator_same_samples(student):
    """returns (n, 2); the same generator seed gives the same samples whatever the global RNG,
    and another seed others"""
    a = _samples(student, 50, 64, 7, global_seed=1)
    b = _samples(student, 50, 64, 7, global_seed=2)
    c = _samples(student, 50, 64, 8, global_seed=1)
    check(
        torch.equal(a, b),
        "the same generator seed must give the same samples: draw x_T and every z with "
        "`generator` (torch.randn(..., generator=generator)), never torch's global one",
    )
    check(
        not torch.equal(a, c),
        "different generator seeds gave the same samples: draw from `generator`",
    )
