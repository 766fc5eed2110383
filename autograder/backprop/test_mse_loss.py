"""Hidden tests for mse_loss, against torch's mse_loss and autograd."""

import torch

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import regression, torch_mse
from .mistakes import mse_mistakes


def _check_mse(student, y_pred, y):
    out = student.mse_loss(y_pred, y)
    check(
        isinstance(out, (list, tuple)) and len(out) == 2, "mse_loss must return a pair (loss, grad)"
    )
    loss, grad = out
    loss = expect_tensor(loss, "the loss")
    check(loss.dim() == 0, "the loss must be a 0-dim tensor (a single number, not .item())")
    exp_loss, exp_grad = torch_mse(y_pred, y)
    expect_close(
        loss, exp_loss, what="the loss", mistakes=mse_mistakes(y_pred, y, which=0), atol=1e-9
    )
    expect_close(
        grad, exp_grad, what="the gradient", mistakes=mse_mistakes(y_pred, y, which=1), atol=1e-9
    )


def test_matches_torch_on_a_batch(student):
    """loss and gradient match torch's mse_loss on an (N, D) batch"""
    _check_mse(student, *regression(6, 3, seed=0))


def test_any_shape(student):
    """works for 1-D and 3-D inputs: the mean is over all elements"""
    y_pred, y = regression(8, 1, seed=1)
    _check_mse(student, y_pred.reshape(-1), y.reshape(-1))
    y_pred, y = regression(2, 12, seed=2)
    _check_mse(student, y_pred.reshape(2, 3, 4), y.reshape(2, 3, 4))
    y_pred, y = regression(3, 4, seed=3, dtype=torch.float32)
    _check_mse(student, y_pred, y)
