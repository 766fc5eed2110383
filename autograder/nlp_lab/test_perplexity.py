"""Hidden tests for perplexity."""

import math

import torch
import torch.nn.functional as F

from dlnlp.testing import Mistake, check


def as_float(value) -> float:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    check(
        isinstance(value, (int, float)) and not isinstance(value, bool),
        f"perplexity must return a Python float, not {type(value).__name__}",
    )
    return float(value)


def known(seed=0, pad_id=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, 6, 9, generator=g) * 1.5
    targets = torch.randint(1, 9, (2, 6), generator=g)
    targets[targets == pad_id] = (pad_id + 1) % 9
    targets[1, 4:] = pad_id
    return logits, targets


def nll(logits, targets, pad_id):
    ce = F.cross_entropy(
        logits.double().reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none"
    )
    return ce, targets.reshape(-1) != pad_id


def test_exp_of_mean_nll_from_known_logits(student):
    """exp(mean NLL per real token): V for uniform logits, and for known logits"""
    got = as_float(
        student.perplexity(torch.zeros(2, 5, 11), torch.ones(2, 5, dtype=torch.long), pad_id=0)
    )
    if abs(got - math.log(11)) < 1e-3:
        raise Mistake("that is the mean NLL (the loss); perplexity is its exponential")
    if abs(got - 2 ** math.log(11)) < 1e-3:
        raise Mistake(
            "cross-entropy here is in nats (natural log): perplexity is exp(mean NLL), not 2 ** mean NLL"
        )
    if abs(got - 11**10) / 11**10 < 1e-3:
        raise Mistake(
            "perplexity is exp of the *mean* NLL per token, not of the summed NLL (which grows with the length)"
        )
    check(
        abs(got - 11) < 1e-3,
        "a uniform model over V words has perplexity V: exp(mean NLL) with NLL = log V per token",
    )
    logits, targets = known()
    ce, real = nll(logits, targets, 0)
    expected = math.exp(float(ce[real].mean()))
    got = as_float(student.perplexity(logits, targets, pad_id=0))
    if math.isclose(got, math.exp(float(ce[real].sum())), rel_tol=1e-4):
        raise Mistake(
            "perplexity is exp of the *mean* NLL per token, not of the summed NLL (which grows with the length)"
        )
    if math.isclose(got, float(ce[real].mean()), rel_tol=1e-4):
        raise Mistake("that is the mean NLL (the loss); perplexity is its exponential")
    if math.isclose(got, 2 ** float(ce[real].mean()), rel_tol=1e-4):
        raise Mistake(
            "cross-entropy here is in nats (natural log): perplexity is exp(mean NLL), not 2 ** mean NLL"
        )
    check(
        math.isclose(got, expected, rel_tol=1e-4),
        "perplexity must be exp(mean negative log-likelihood of the real targets)",
    )


def test_ignores_padding(student):
    """padded targets are left out of the mean"""
    logits, targets = known(seed=1, pad_id=5)
    ce, real = nll(logits, targets, 5)
    got = as_float(student.perplexity(logits, targets, pad_id=5))
    if math.isclose(got, math.exp(float(ce.mean())), rel_tol=1e-4):
        raise Mistake("padding is counted: leave out the positions whose target is pad_id")
    if math.isclose(got, math.exp(float((ce * real).sum() / len(ce))), rel_tol=1e-4):
        raise Mistake("padding is counted in the mean: divide by the number of real targets")
    check(
        math.isclose(got, math.exp(float(ce[real].mean())), rel_tol=1e-4),
        "perplexity must leave out the positions whose target is pad_id (use the pad_id argument)",
    )
