"""Hidden tests for gan_train_step: three calls on the notebook's MLPs (G: 3 -> 2, D: 2 -> 1),
made in the worker, each stepped by the notebook's sgd_over, against the same steps computed
here on copies holding the same start values (autograder/generative/gan.py). What is credited is
returned as floats or read by the kit's probe (the raw parameter values); each catalogued mistake
is computed here too, so that its hint can be named.

Three calls, not one: a gradient left in .grad by one call's (b) reaches the next call's (a)
only from the second call on."""

from __future__ import annotations

import torch

from dlnlp.testing import check, expect_close

from . import gan


def _student_run(student, seed: int):
    """(start values, returned losses, parameter values after) of gan.STEPS calls in the worker."""
    student.seed(seed)
    G = student.keep.MLP(gan.Z_DIM, gan.DIM, hidden=gan.HIDDEN)
    D = student.keep.MLP(gan.DIM, 1, hidden=gan.HIDDEN)
    start = [G.probe("parameter_values"), D.probe("parameter_values")]
    opt_g, opt_d = student.keep.sgd_over(G, lr=gan.LR_G), student.keep.sgd_over(D, lr=gan.LR_D)
    returned = [
        student.gan_train_step(G, D, opt_g, opt_d, real, z) for real, z in gan.batches(seed)
    ]
    after = gan.flat([G.probe("parameter_values"), D.probe("parameter_values")])
    return start, returned, after


def _shared(student, seed: int):
    return student.shared(("gan_train_step", seed), lambda: _student_run(student, seed))


def _losses(losses) -> torch.Tensor:
    return torch.tensor(losses, dtype=torch.float64)


def _mistakes(start, seed: int, pick) -> list[tuple[str, torch.Tensor]]:
    return [(hint, pick(*gan.run(start, seed, name))) for name, hint in gan.MISTAKES.items()]


def test_returns_the_losses_as_floats(student):
    """returns (loss_d, loss_g) as Python floats, those of (a) and (b), at each of three calls"""
    start, returned, _ = _shared(student, 0)
    check(
        all(
            isinstance(r, (tuple, list)) and len(r) == 2 and all(type(v) is float for v in r)
            for r in returned
        ),
        gan.FLOATS,
    )
    expected, _ = gan.run(start, 0)
    expect_close(
        _losses(returned),
        _losses(expected),
        what="the returned (loss_d, loss_g)",
        mistakes=_mistakes(start, 0, lambda losses, _: _losses(losses)),
        hint="the losses are not those of one alternating step: loss_d = BCE(D(real), 1) + "
        "BCE(D(G(z).detach()), 0) in (a), loss_g = BCE(D(G(z)), 1) with the updated D in (b)",
        atol=1e-5,
        rtol=1e-4,
    )


def _parameters_after(student, seed: int) -> None:
    start, _, after = _shared(student, seed)
    _, expected = gan.run(start, seed)
    expect_close(
        after,
        expected,
        what="G's and D's parameters after three gan_train_step calls",
        mistakes=_mistakes(start, seed, lambda _, params: params),
        hint="the parameters do not move as one alternating step would move them: (a) one "
        "opt_d step on loss_d, then (b) one opt_g step on loss_g, each after its zero_grad()",
        atol=1e-5,
        rtol=1e-4,
    )


def test_parameters_after_three_sgd_steps(student):
    """G and D after three calls with SGD match the reference"""
    _parameters_after(student, 0)


def test_parameters_with_other_weights(student):
    """the same with other start weights and batches"""
    _parameters_after(student, 1)
