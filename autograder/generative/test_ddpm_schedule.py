"""Hidden tests for ddpm_schedule: the three float32 (T,) tensors against linspace and cumprod
computed here in float64, for the notebook's T = 1000 and for short schedules (T = 2, 7) with
other end points, where a product shifted by one step, a sum or a power shows at every index.

Tolerances: float32 against float64, measured on the reference and on a log-space alternative
(exp of a cumulative sum of log alphas): at most 2.5e-7 absolute, 1.3e-6 relative; the tests
allow 1e-7 + 1e-5 relative, and every catalogued mistake is off by at least 3e-4."""

import torch

from dlnlp.testing import check, expect_close

from .diffusion import SCHEDULE_DTYPE, SCHEDULE_SHAPE, schedule_mistakes, schedule_stacked


def _expect_schedule(student, T, **ends) -> None:
    out = student.ddpm_schedule(T, **ends)
    check(
        isinstance(out, (tuple, list))
        and len(out) == 3
        and all(isinstance(v, torch.Tensor) and tuple(v.shape) == (T,) for v in out),
        SCHEDULE_SHAPE,
    )
    check(all(v.dtype == torch.float32 for v in out), SCHEDULE_DTYPE)
    expect_close(
        torch.stack(list(out)),
        schedule_stacked(T, **ends),
        what="(betas, alphas, alpha_bars)",
        mistakes=schedule_mistakes(T, **ends),
        atol=1e-7,
        rtol=1e-5,
    )


def test_default_schedule_of_1000_steps(student):
    """T = 1000 with the default beta_1 and beta_T: float32 (T,) values"""
    _expect_schedule(student, 1000)


def test_short_schedules_with_other_ends(student):
    """T = 7 and T = 2 with other beta_1 and beta_T"""
    _expect_schedule(student, 7, beta_1=0.05, beta_T=0.3)
    _expect_schedule(student, 2, beta_1=1e-3, beta_T=0.5)


def test_long_schedule_with_other_ends(student):
    """T = 1000 with beta_1 = 1e-3 and beta_T = 0.05"""
    _expect_schedule(student, 1000, beta_T=0.05, beta_1=1e-3)
