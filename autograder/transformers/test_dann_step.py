"""Hidden tests for dann_step: three SGD steps of the student's dann_step on the notebook's Encoder
and two ClassifierHeads (dropout 0 and eval mode: the steps are deterministic), made in the worker
with the notebook's given `sgd_over`, against the same steps computed here on copies holding the
same initial weights. What is credited is read by the kit's probe (the raw parameter values) or
returned as floats; each catalogued mistake is computed here too, so that its hint can be named.

Source and target batches differ in size and in length, and lam is not 1, so that target rows in
the task loss, one encoder call on concatenated ids and a lam applied twice cannot hide."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from dlnlp.grade.session import StudentError
from dlnlp.testing import Mistake, check, expect_close

from .encoder import ClassifierHead, Encoder

V, D, LR, STEPS = 23, 8, 0.5, 3
SIZES = ((6, 7), (4, 5))  # (N_s, T_s), (N_t, T_t): the domains differ in size and length

TARGET_LABELS = (
    "the task loss used target rows: it is the cross-entropy of head(encoder(src_ids)) against "
    "src_y, on the source alone (the target's labels are never used)"
)
LAM_TWICE = (
    "lam was applied twice: grad_reverse already scales the reversed gradient by lam, so the "
    "loss to backpropagate is task_loss + domain_loss, not task_loss + lam * domain_loss"
)
LAM_OUTSIDE = (
    "lam must be applied inside grad_reverse only: grad_reverse(features, lam), and the domain "
    "head trains on the plain domain loss"
)
NO_REVERSAL = (
    "the domain head read the features without grad_reverse: the encoder then helps the domain "
    "head instead of fooling it; pass grad_reverse(features, lam) to the domain head"
)
DETACHED = (
    "the domain loss sent no gradient to the encoder: read the features through "
    "grad_reverse(features, lam), not detached"
)
SWAPPED = "the domain labels are swapped: 0 for each source row, 1 for each target row"
PER_DOMAIN_MEAN = (
    "the domain loss is one mean over all N_s + N_t rows, not the average of a source mean and "
    "a target mean (they differ when the batches differ in size)"
)
CONCATENATED = (
    "source and target ids were joined before encoding: their lengths may differ, so encode "
    "each on its own (encoder(src_ids), encoder(tgt_ids)) and concatenate the features"
)
TWO_STEPS = (
    "the parameters moved as if by two optimizer steps: one opt.zero_grad(), one backward of "
    "task_loss + domain_loss, then one opt.step()"
)
NO_ZERO_GRAD = (
    "gradients accumulated from the previous step: call opt.zero_grad() before the backward pass"
)
FLOATS = "dann_step returns (task_loss, domain_loss) as two Python floats (.item())"


class _Reverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.lam * grad, None


def _step(models, opt, src, y, tgt, lam, mistake: str = ""):
    """One DANN step on trusted modules, or one catalogued mistake of it: (task, domain) floats."""
    encoder, head, domain_head = models
    f_src, f_tgt = encoder(src), encoder(tgt)
    n_s, n_t = len(f_src), len(f_tgt)
    task = F.cross_entropy(head(f_src), y)
    if mistake == "target_labels":  # the target rows take their domain label as class
        both = torch.cat([f_src, f_tgt])
        task = F.cross_entropy(head(both), torch.cat([y, torch.ones(n_t, dtype=torch.long)]))
    if mistake == "pseudo_labels":  # the target rows labelled by the head's own guesses
        logits = head(torch.cat([f_src, f_tgt]))
        task = F.cross_entropy(logits, torch.cat([y, logits[n_s:].argmax(-1).detach()]))
    features = torch.cat([f_src, f_tgt])
    labels = torch.cat([torch.zeros(n_s), torch.ones(n_t)]).unsqueeze(-1)
    if mistake == "swapped":
        labels = 1 - labels
    read = {
        "no_reversal": features,
        "detached": features.detach(),
        "lam_outside": _Reverse.apply(features, 1.0),
    }.get(mistake, _Reverse.apply(features, lam))
    z = domain_head(read)
    if mistake == "per_domain_mean":
        domain = 0.5 * (
            F.binary_cross_entropy_with_logits(z[:n_s], labels[:n_s])
            + F.binary_cross_entropy_with_logits(z[n_s:], labels[n_s:])
        )
    else:
        domain = F.binary_cross_entropy_with_logits(z, labels)
    scale = lam if mistake in ("lam_twice", "lam_outside") else 1.0
    if mistake == "two_steps":  # a step on the task loss, then one on a fresh domain loss
        opt.zero_grad(set_to_none=True)
        task.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        _, domain = _step(models, opt, src, y, tgt, lam, "domain_only")
        return task.item(), domain
    if mistake == "domain_only":
        opt.zero_grad(set_to_none=True)
        domain.backward()
        opt.step()
        return task.item(), domain.item()
    if mistake != "no_zero_grad":
        opt.zero_grad(set_to_none=True)
    (task + scale * domain).backward()
    opt.step()
    return task.item(), domain.item()


MISTAKES = {
    "target_labels": TARGET_LABELS,
    "pseudo_labels": TARGET_LABELS,
    "lam_twice": LAM_TWICE,
    "lam_outside": LAM_OUTSIDE,
    "no_reversal": NO_REVERSAL,
    "detached": DETACHED,
    "swapped": SWAPPED,
    "per_domain_mean": PER_DOMAIN_MEAN,
    "two_steps": TWO_STEPS,
    "no_zero_grad": NO_ZERO_GRAD,
}


def _batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """STEPS (src_ids, src_y, tgt_ids), padded with 0 at the end of some rows, never all pad."""
    g = torch.Generator().manual_seed(seed)

    def ids(n, T):
        x = torch.randint(2, V, (n, T), generator=g)
        real = torch.randint(2, T + 1, (n,), generator=g)  # at least 2 real tokens
        return x.masked_fill(torch.arange(T) >= real.unsqueeze(-1), 0)

    (n_s, t_s), (n_t, t_t) = SIZES
    return [
        (ids(n_s, t_s), torch.randint(0, 2, (n_s,), generator=g), ids(n_t, t_t))
        for _ in range(STEPS)
    ]


def _flat(values: list[dict[str, torch.Tensor]]) -> torch.Tensor:
    return torch.cat([v[k].reshape(-1).double() for v in values for k in sorted(v)])


def _trusted(start: list[dict[str, torch.Tensor]]) -> tuple[nn.Module, nn.Module, nn.Module]:
    models = (
        Encoder(V, d_model=D, num_heads=2, num_layers=1, max_len=16, dropout=0.0),
        ClassifierHead(D, 2, dropout=0.0),
        ClassifierHead(D, 1, dropout=0.0),
    )
    for model, values in zip(models, start, strict=True):
        model.load_state_dict(values)
        model.eval()
    return models


def _run(start, batches, lam, mistake: str = "") -> tuple[list[tuple[float, float]], torch.Tensor]:
    """The losses of each step and the parameters after the last, computed here."""
    models = _trusted(start)
    opt = torch.optim.SGD([p for m in models for p in m.parameters()], lr=LR)
    losses = [_step(models, opt, *batch, lam, mistake) for batch in batches]
    return losses, _flat([dict(m.named_parameters()) for m in models])


def _student_run(student, seed: int, lam: float):
    """(start values, returned losses, values after) of STEPS student steps in the worker."""
    student.seed(seed)
    models = (
        student.keep.Encoder(V, d_model=D, num_heads=2, num_layers=1, max_len=16, dropout=0.0),
        student.keep.ClassifierHead(D, 2, dropout=0.0),
        student.keep.ClassifierHead(D, 1, dropout=0.0),
    )
    for model in models:
        model.method("eval")
    start = [model.probe("parameter_values") for model in models]
    opt = student.keep.sgd_over(*models, lr=LR)
    batches = _batches(seed)
    returned = []
    for i, (src, y, tgt) in enumerate(batches):
        try:
            returned.append(student.dann_step(*models, opt, src, y, tgt, lam))
        except StudentError as e:
            if e.verdict != "exception" or i > 0:
                raise
            same = F.pad(tgt, (0, src.shape[1] - tgt.shape[1]))  # the target at the source's length
            student.dann_step(*models, opt, src, y, same, lam)  # a crash here too: shown as is
            raise Mistake(CONCATENATED) from None
    after = _flat([model.probe("parameter_values") for model in models])
    return start, returned, after


def _shared(student, seed: int, lam: float):
    return student.shared(("dann_step", seed, lam), lambda: _student_run(student, seed, lam))


def _mistakes(start, batches, lam, pick: Callable) -> list[tuple[str, torch.Tensor]]:
    return [(hint, pick(*_run(start, batches, lam, name))) for name, hint in MISTAKES.items()]


def _losses_tensor(losses) -> torch.Tensor:
    return torch.tensor(losses, dtype=torch.float64)


def test_returns_the_losses_as_floats(student):
    """returns (task_loss, domain_loss) as Python floats, at each of three steps (lam = 0.3)"""
    start, returned, _ = _shared(student, 0, 0.3)
    check(
        all(
            isinstance(r, (tuple, list)) and len(r) == 2 and all(type(v) is float for v in r)
            for r in returned
        ),
        FLOATS,
    )
    batches = _batches(0)
    expected, _ = _run(start, batches, 0.3)
    expect_close(
        _losses_tensor(returned),
        _losses_tensor(expected),
        what="the returned (task_loss, domain_loss)",
        mistakes=_mistakes(start, batches, 0.3, lambda losses, _: _losses_tensor(losses)),
        atol=1e-5,
        rtol=1e-4,
    )


def _parameters_after(student, seed: int, lam: float) -> None:
    start, _, after = _shared(student, seed, lam)
    batches = _batches(seed)
    _, expected = _run(start, batches, lam)
    expect_close(
        after,
        expected,
        what="the parameters after three dann_step calls",
        mistakes=_mistakes(start, batches, lam, lambda _, params: params),
        hint="the parameters do not move as one DANN step would move them: task_loss on the "
        "source, domain_loss through grad_reverse(features, lam), one backward of their sum",
        atol=1e-5,
        rtol=1e-4,
    )


def test_parameters_after_three_sgd_steps(student):
    """encoder, head and domain head after three SGD steps match the reference (lam = 0.3)"""
    _parameters_after(student, 0, 0.3)


def test_parameters_with_a_large_lam(student):
    """the same with lam = 2.5 and other weights and batches"""
    _parameters_after(student, 1, 2.5)
