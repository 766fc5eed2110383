"""Helpers for hidden tests (trusted side only).

A hidden test fails with `Mistake(hint)` when it can say what is wrong: the hint is shown to the
student, so it names the misconception and never the inputs or expected values. Any other
failure is reported to the student as a failed check without details.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


class Mistake(AssertionError):
    """A failed hidden check whose message is a hint safe to show the student."""


class Partial(Mistake):
    """A hidden check met in part: `fraction` (0..1) of its points, and a hint on the rest."""

    def __init__(self, fraction: float, hint: str) -> None:
        super().__init__(hint)
        self.fraction = min(1.0, max(0.0, float(fraction)))


def graded(value: float, low: float, high: float, *, what: str, hint: str) -> None:
    """Full points when `value` reaches `high`, none at or below `low`, linear in between.

    For a metric where lower is better (perplexity), pass low > high.
    """
    if value != value:  # nan
        raise Mistake(f"{what} is nan: {hint}")
    fraction = (value - low) / (high - low)
    if fraction >= 1:
        return
    raise Partial(fraction, f"{what} {value:.4g} is short of the full-credit mark {high:g}: {hint}")


def check(condition: bool, hint: str) -> None:
    if not condition:
        raise Mistake(hint)


def _close(
    a: torch.Tensor, b: torch.Tensor, atol: float, rtol: float, equal_nan: bool = False
) -> bool:
    if a.shape != b.shape:
        return False
    return bool(torch.allclose(a.double(), b.double(), atol=atol, rtol=rtol, equal_nan=equal_nan))


def expect_tensor(actual, what: str) -> torch.Tensor:
    check(
        isinstance(actual, torch.Tensor),
        f"{what} should be a torch.Tensor, got {type(actual).__name__}",
    )
    return actual


def expect_close(
    actual,
    expected: torch.Tensor,
    *,
    what: str,
    mistakes: Iterable[tuple[str, torch.Tensor]] = (),
    hint: str = "",
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> None:
    """Pass when `actual` matches `expected` (compared in float64, any float dtype accepted).

    Otherwise name the first known mistake whose output `actual` matches, or give `hint`.
    """
    actual = expect_tensor(actual, what)
    if _close(actual, expected, atol, rtol):
        return
    for mistake_hint, wrong in mistakes:  # a known mistake may produce nan too (fully masked rows)
        if _close(actual, wrong, atol, rtol, equal_nan=True):
            raise Mistake(mistake_hint)
    check(
        not actual.is_floating_point() or bool(torch.isfinite(actual).all()),
        f"{what} contains nan or inf",
    )
    if actual.shape != expected.shape:
        raise Mistake(
            f"{what} has shape {tuple(actual.shape)}, which does not follow the contract in the docstring"
        )
    raise Mistake(hint or f"{what} does not match the expected values")
