"""Hidden tests for shift_targets."""

import torch

from dlnlp.testing import Mistake, check


def test_targets_are_the_next_tokens(student):
    """inputs are ids[:, :-1], targets ids[:, 1:]"""
    ids = torch.tensor([[2, 3, 4, 5, 6], [7, 8, 9, 10, 11]])
    out = student.shift_targets(ids)
    check(
        isinstance(out, (tuple, list)) and len(out) == 2,
        "shift_targets must return (inputs, targets)",
    )
    inputs, targets = out
    check(
        isinstance(inputs, torch.Tensor) and isinstance(targets, torch.Tensor),
        "inputs and targets must be tensors",
    )
    if torch.equal(inputs, ids) and torch.equal(targets, ids):
        raise Mistake(
            "the targets are not shifted: the model would learn to copy its input. targets[:, t] = ids[:, t + 1]"
        )
    if (
        inputs.shape == targets.shape == (2, 4)
        and torch.equal(inputs, ids[:, 1:])
        and torch.equal(targets, ids[:, :-1])
    ):
        raise Mistake(
            "shifted the wrong way: the model reads ids[:, t] and predicts the *next* token ids[:, t + 1]"
        )
    if inputs.shape == targets.shape == (2, 4) and torch.equal(inputs, targets):
        raise Mistake(
            "the targets are not shifted: the model would learn to copy its input. targets[:, t] = ids[:, t + 1]"
        )
    check(
        inputs.shape == (2, 4) and targets.shape == (2, 4),
        "inputs and targets are each (B, T) for ids (B, T + 1)",
    )
    check(
        torch.equal(inputs, ids[:, :-1]) and torch.equal(targets, ids[:, 1:]),
        "inputs drop the last token, targets drop the first",
    )


def test_shortest_windows(student):
    """works for one sequence of two tokens

    Not checked here: that ids is left unchanged. The worker calls the function on a copy of ids,
    so an in-place write is invisible to this side unless it changes what is returned (which the
    value checks catch), and an integer tensor cannot be probed under autograd as impute's are.
    """
    ids = torch.tensor([[7, 3]])
    out = student.shift_targets(ids)
    check(
        isinstance(out, (tuple, list)) and len(out) == 2,
        "shift_targets must return (inputs, targets)",
    )
    inputs, targets = out
    check(
        inputs.tolist() == [[7]] and targets.tolist() == [[3]],
        "for ids (1, 2): inputs [[7]], targets [[3]]",
    )
