"""Hidden tests for ddpm_loss, on the notebook's Denoiser made in the worker and holding seeded
weights (a copy here holds the same): the loss's value against the simple loss computed here,
and one SGD step on its gradient (`loss.backward()` there, the given sgd_over's step), compared
through the raw parameter values the kit's probe reads, so that a detached loss shows.

The steps differ per row and the model's prediction depends on x_t and on t, so that a model fed
x0, a step shifted by one or a target other than eps changes the loss. Tolerances, measured on
the reference and two alternatives: the loss is off by at most 1.2e-7 of itself from the one
computed here (the tests allow 1e-5 + 1e-5 relative; the closest mistake is 8.7e-2 off), the
parameters after the step by 1.4e-6 (1e-5 + 1e-4 relative allowed; the closest mistake 0.7)."""

import torch

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close

from .diffusion import (
    HIDDEN,
    LOSS_DETACHED,
    LOSS_MISTAKES,
    T,
    denoiser_state,
    loss_trusted,
    points,
    schedule,
    student_denoiser,
    trusted_denoiser,
)

LR = 0.5
FLOAT = (
    "ddpm_loss returns the loss as a scalar tensor, not a Python float (no .item()): its "
    "gradient is what trains the model"
)


def _case(seed):
    g = torch.Generator().manual_seed(seed)
    x0 = points(6, seed, scale=1.5)
    t = torch.tensor([0, 17, 250, 640, T - 2, 3])  # T - 2: a step shifted by one still runs
    return x0, t[torch.randperm(6, generator=g)], torch.randn(6, 2, generator=g)


def _flat(values: dict[str, torch.Tensor]) -> torch.Tensor:
    return torch.cat([values[k].reshape(-1).double() for k in sorted(values)])


def _after_one_step(state, x0, t, eps, alpha_bars, mistake: str = "") -> torch.Tensor:
    model = trusted_denoiser(T, HIDDEN, state)
    loss_trusted(model, x0, t, eps, alpha_bars, mistake).backward()
    with torch.inference_mode():  # trusted values: no graph
        for p in model.parameters():
            p -= LR * p.grad
    return _flat(dict(model.named_parameters()))


def test_loss_value(student):
    """equals the mean over every element of (model(x_t, t) - eps)^2, two batches"""
    _, _, alpha_bars = schedule(T)
    for seed in (0, 1):
        state = denoiser_state(seed)
        x0, t, eps = _case(seed)
        model = student_denoiser(student, T, HIDDEN, state)
        loss = student.ddpm_loss(model, x0, t, eps, alpha_bars)
        check(not isinstance(loss, float), FLOAT)
        trusted = trusted_denoiser(T, HIDDEN, state)
        expect_close(
            loss,
            loss_trusted(trusted, x0, t, eps, alpha_bars).detach(),
            what="the loss",
            mistakes=[
                (hint, loss_trusted(trusted, x0, t, eps, alpha_bars, name).detach())
                for name, hint in LOSS_MISTAKES.items()
            ],
            atol=1e-5,
            rtol=1e-5,
        )


def test_gradient_trains_the_model(student):
    """one SGD step on the returned loss's gradient moves the model as the reference's does"""
    _, _, alpha_bars = schedule(T)
    state = denoiser_state(2)
    x0, t, eps = _case(2)
    model = student_denoiser(student, T, HIDDEN, state)
    loss = student.keep.ddpm_loss(model, x0, t, eps, alpha_bars)
    try:
        loss.method("backward")
    except StudentError as e:
        if e.verdict != "exception":
            raise
        raise Mistake(LOSS_DETACHED) from None
    student.keep.sgd_over(model, lr=LR).method("step")
    after = _flat(model.probe("parameter_values"))
    check(not torch.equal(after, _flat(state)), LOSS_DETACHED)
    expect_close(
        after,
        _after_one_step(state, x0, t, eps, alpha_bars),
        what="the parameters after one SGD step on the loss",
        mistakes=[
            (hint, _after_one_step(state, x0, t, eps, alpha_bars, name))
            for name, hint in LOSS_MISTAKES.items()
        ],
        atol=1e-5,
        rtol=1e-4,
    )
