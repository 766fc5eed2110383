"""Hidden tests for bce_loss, against torch's binary_cross_entropy and autograd."""

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import probabilities, torch_bce
from .mistakes import bce_mistakes


def _check_bce(student, p, y):
    out = student.bce_loss(p, y)
    check(
        isinstance(out, (list, tuple)) and len(out) == 2, "bce_loss must return a pair (loss, grad)"
    )
    loss, grad = out
    loss = expect_tensor(loss, "the loss")
    check(loss.dim() == 0, "the loss must be a 0-dim tensor (a single number, not .item())")
    exp_loss, exp_grad = torch_bce(p, y)
    expect_close(loss, exp_loss, what="the loss", mistakes=bce_mistakes(p, y, which=0), atol=1e-9)
    expect_close(
        grad, exp_grad, what="the gradient", mistakes=bce_mistakes(p, y, which=1), atol=1e-9
    )


def test_matches_torch_with_labels(student):
    """loss and gradient match torch's binary_cross_entropy with 0/1 labels"""
    _check_bce(student, *probabilities(7, 3, seed=0))


def test_soft_labels_any_shape(student):
    """works with soft labels in (0, 1) and with 1-D and 3-D inputs"""
    _check_bce(student, *probabilities(2, 3, 4, seed=1, soft=True))
    _check_bce(student, *probabilities(9, seed=2))
