"""Hidden tests for q_sample: x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps against the formula
in float64, one step per row (t = 0 and T - 1 included), on x0 of shape (N, 2) and (N, C, L)
with N unlike every trailing size, so that an alpha_bars[t] lined up with the wrong axis shows.

A wrong broadcast can raise on one shape and run on another: when q_sample raises, it is run
again on an (N, N, N) x0, where both wrong broadcasts run; a match with one of them names it.
Tolerance: float32 against float64 (a few 1e-7 on the reference); 1e-6 + 1e-5 relative."""

import torch

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, expect_close

from .diffusion import BROADCAST, q_sample_mistakes, q_sample_trusted, schedule


def _case(shape, steps, seed):
    g = torch.Generator().manual_seed(seed)
    x0 = torch.randn(shape, generator=g) * 1.5 + 0.5  # x0 and eps differ in law: a swap shows
    eps = torch.randn(shape, generator=g)
    return x0, torch.tensor(steps), eps


def _wrong_broadcast(student, alpha_bars) -> bool:
    """Does q_sample run on an (N, N, N) x0 and match a wrong broadcast there?"""
    x0, t, eps = _case((3, 3, 3), [len(alpha_bars) - 1, 0, 2], seed=99)
    try:
        got = student.q_sample(x0, t, alpha_bars, eps)
    except StudentError:
        return False
    return any(
        isinstance(got, torch.Tensor)
        and got.shape == wrong.shape
        and torch.allclose(got.double(), wrong, atol=1e-6, rtol=1e-5)
        for hint, wrong in q_sample_mistakes(x0, t, alpha_bars, eps)
        if hint == BROADCAST
    )


def _expect_x_t(student, shape, steps, alpha_bars, seed) -> None:
    x0, t, eps = _case(shape, steps, seed)
    try:
        got = student.q_sample(x0, t, alpha_bars, eps)
    except StudentError as e:
        if e.verdict != "exception" or not _wrong_broadcast(student, alpha_bars):
            raise
        raise Mistake(BROADCAST) from None
    expect_close(
        got,
        q_sample_trusted(x0, t, alpha_bars, eps),
        what="x_t",
        mistakes=q_sample_mistakes(x0, t, alpha_bars, eps),
        atol=1e-6,
        rtol=1e-5,
    )


def test_points_at_steps_from_first_to_last(student):
    """x0 of shape (N, 2), the notebook's 1000-step schedule, steps 0 to T - 1 in one batch"""
    _, _, alpha_bars = schedule(1000)
    _expect_x_t(student, (6, 2), [0, 999, 3, 500, 120, 998], alpha_bars, seed=0)


def test_broadcasts_over_trailing_dimensions(student):
    """x0 of shape (N, C, L): one alpha_bar per example, broadcast over C and L"""
    _, _, alpha_bars = schedule(7, beta_1=0.05, beta_T=0.3)
    _expect_x_t(student, (4, 3, 4), [6, 0, 3, 5], alpha_bars, seed=1)
    _expect_x_t(student, (3, 3, 5), [2, 6, 0], alpha_bars, seed=2)
