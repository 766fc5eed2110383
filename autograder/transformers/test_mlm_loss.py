"""Hidden tests for mlm_loss, against F.cross_entropy(ignore_index=-100) in float64, value and
gradient (which must be 0 at the ignored positions)."""

import torch
import torch.nn.functional as F

from dlnlp.testing import Mistake, expect_close

from .inputs import rand

HINT_ALL_POSITIONS = (
    "the loss is averaged over every position: divide by the number of positions whose label "
    "is not -100"
)


def _case(seed, shape=(3, 7), V=11, keep=0.3):
    g = torch.Generator().manual_seed(seed)
    logits = rand(*shape, V, seed=seed, scale=2.0)
    labels = torch.randint(V, shape, generator=g)
    labels[torch.rand(shape, generator=g) >= keep] = -100
    labels.view(-1)[0] = 5  # never all ignored
    return logits, labels


def _reference(logits, labels):
    V = logits.shape[-1]
    return F.cross_entropy(logits.double().reshape(-1, V), labels.reshape(-1), ignore_index=-100)


def _mistakes(logits, labels):
    V = logits.shape[-1]
    flat = F.cross_entropy(
        logits.double().reshape(-1, V), labels.reshape(-1), ignore_index=-100, reduction="none"
    )
    return [
        (HINT_ALL_POSITIONS, flat.sum() / flat.numel()),
        ("the loss is summed: take the mean over the selected positions", flat.sum()),
        (
            "the softmax is over the wrong dimension: the classes are the last one",
            F.nll_loss(
                logits.double().log_softmax(0).reshape(-1, V),
                labels.reshape(-1),
                ignore_index=-100,
            ),
        ),
    ]


def test_matches_cross_entropy_over_selected(student):
    """equals the mean cross-entropy over the positions whose label is not -100, (B, T, V)"""
    for seed, shape in ((0, (3, 7)), (1, (2, 4, 5))):
        logits, labels = _case(seed, shape)
        expect_close(
            student.mlm_loss(logits, labels),
            _reference(logits, labels),
            what="the masked-LM loss",
            mistakes=_mistakes(logits, labels),
            atol=1e-5,
        )


def test_gradient_ignores_unselected_positions(student):
    """the gradient reaches the selected positions only, as F.cross_entropy's"""
    logits, labels = _case(2)
    (got,) = student.grad("mlm_loss", logits, labels, wrt=[0], grad_output=torch.tensor(1.0))
    ref = logits.double().requires_grad_()
    (want,) = torch.autograd.grad(_reference(ref, labels), ref)
    ignored = labels == -100
    if bool(got[ignored].abs().gt(1e-7).any()):
        raise Mistake("the positions labelled -100 must not contribute to the loss or its gradient")
    expect_close(got, want, what="the gradient of the masked-LM loss", atol=1e-6)
