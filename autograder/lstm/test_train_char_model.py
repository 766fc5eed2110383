"""Hidden tests for train_char_model: deterministic properties only, never exact loss values.

That the model is built from the student's own cell is guaranteed by the banned-API check.
"""

import math
import statistics

from dlnlp.testing import Mistake, check

TEXT = "the cat sat on the mat. the rat sat on the hat. "
SHORT = "hello hello hello. "


def losses_of(student, text, hidden_size, steps, lr, seed):
    out = student.train_char_model(text, hidden_size, steps, lr, seed)
    check(
        isinstance(out, (list, tuple)),
        f"train_char_model must return a list of floats, one loss per step, not a {type(out).__name__}",
    )
    check(
        len(out) == steps, "train_char_model must return exactly one loss per step (`steps` values)"
    )
    check(
        all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in out),
        "each loss must be a Python float: record loss.item(), not the tensor",
    )
    check(
        all(math.isfinite(v) for v in out),
        "a loss is nan or inf: is the learning rate used as given?",
    )
    return [float(v) for v in out]


def check_first_loss(losses, text):
    V, T = len(set(text)), len(text)
    first = losses[0]
    if abs(first - (T - 1) * math.log(V)) < 0.3 * (T - 1):
        raise Mistake(
            "the loss is summed over positions: average the cross-entropy over the T-1 positions"
        )
    check(
        abs(first - math.log(V)) < 0.3,
        "the first loss should be that of the untrained model, close to log(V) for V characters: "
        "record the loss before the first update, average over positions, predict the next character "
        "from the vocabulary sorted(set(text)), and initialise as in the docstring",
    )


def test_returns_one_finite_float_per_step(student):
    """returns `steps` finite Python floats, the first close to log(vocabulary size)"""
    losses = losses_of(student, TEXT, 16, 25, 0.05, 0)
    check_first_loss(losses, TEXT)


def test_loss_falls_clearly(student):
    """the loss falls clearly: the mean of the last 5 losses is below 0.6 x the first"""
    for text, seed in ((TEXT, 1), (SHORT, 2)):
        losses = losses_of(student, text, 16, 30, 0.05, seed)
        check_first_loss(losses, text)
        check(
            max(losses) - min(losses) > 1e-6,
            "the loss never changes: zero the gradients, call backward() and step the optimiser at every step",
        )
        check(
            statistics.fmean(losses[-5:]) < 0.6 * losses[0],
            "the loss does not fall clearly: at every step zero the gradients, call backward() and "
            "step the optimiser, and feed the one-hot inputs and next-character targets as in the docstring",
        )


def test_same_seed_same_losses(student):
    """the same seed gives the same losses, another seed different ones"""
    a = losses_of(student, SHORT, 8, 6, 0.05, 3)
    b = losses_of(student, SHORT, 8, 6, 0.05, 3)
    check(
        all(abs(x - y) <= 1e-5 * max(1.0, abs(x)) for x, y in zip(a, b, strict=True)),
        "two runs with the same seed gave different losses: call torch.manual_seed(seed) before creating the parameters",
    )
    c = losses_of(student, SHORT, 8, 6, 0.05, 4)
    check(
        abs(a[0] - c[0]) > 1e-7,
        "two different seeds gave the same first loss: create the parameters randomly, right after torch.manual_seed(seed)",
    )
