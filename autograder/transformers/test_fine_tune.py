"""Hidden tests for fine_tune, on the notebook's Encoder holding the source checkpoint and the
40 film labels. What is credited is read by the kit's probes in the worker (raw parameter values,
optimizer steps, forward-pass modes) or computed here (held-out accuracy), never taken from what
fine_tune reports (README, "Security"). Two training runs serve all four tests
(transfer.shared_run): the frozen one the first two, the unfrozen one the last three; the
accuracy test, which retires the worker, comes last."""

import torch

from dlnlp.testing import Mistake, check, graded

from . import transfer
from .transfer import FROZEN, FULL

HINT_OPTIMIZER_FROZEN = (
    "the optimizer holds parameters that do not train: give it only the trainable ones (the "
    "head's when the encoder is frozen), e.g. [p for p in ... if p.requires_grad]"
)
HINT_FEWER_STEPS = (
    "fine_tune stepped a torch optimizer fewer times than the budget has: one Adam step per "
    "minibatch of 8, in each of `epochs` epochs"
)


def _optimizer_steps(student, model, run) -> dict:
    report = model.probe("optimizer_report")
    check(report["steps"] >= transfer.steps(run), HINT_FEWER_STEPS)
    return report


def test_frozen_encoder_stays_bitwise_unchanged_in_eval_mode(student):
    """freeze_encoder=True: the encoder's weights are exactly the checkpoint's afterwards, and it
    ran with dropout off (eval mode): a fixed feature extractor"""
    encoder, _, _ = transfer.shared_run(student, FROZEN)
    after = encoder.probe("parameter_values")
    for name, value in transfer.checkpoint().items():
        if not torch.equal(after.get(name, torch.empty(0)), value):
            raise Mistake(
                "the frozen encoder's weights changed: with freeze_encoder=True set requires_grad "
                "False on the encoder's parameters and leave them out of the optimizer"
            )
    modes = encoder.probe("mode_report")
    check(modes["passes"] > 0, "fine_tune never ran the encoder")
    check(
        modes["train"] == 0 and modes["mixed"] == 0,
        "the frozen encoder ran in train mode, with dropout: a frozen encoder is a fixed feature "
        "extractor, so call encoder.eval() (the head still trains in train mode)",
    )


def test_optimizer_holds_only_the_trainable_parameters(student):
    """frozen: no encoder parameter (nor any frozen one) in the optimizer; unfrozen: all of them"""
    encoder, head, _ = transfer.shared_run(student, FROZEN)
    frozen = _optimizer_steps(student, encoder, FROZEN)
    check(frozen["holding_some"] == 0 and frozen["holding_frozen"] == 0, HINT_OPTIMIZER_FROZEN)
    check(
        head.probe("optimizer_report")["holding_all"] >= transfer.steps(FROZEN),
        "the optimizer must hold the head's parameters: they are what fine-tuning trains",
    )
    encoder, _, _ = transfer.shared_run(student, FULL)
    full = _optimizer_steps(student, encoder, FULL)
    check(
        full["holding_all"] >= transfer.steps(FULL) and full["holding_frozen"] == 0,
        "with freeze_encoder=False every encoder parameter must train: make them require grad "
        "again (an earlier frozen run may have switched them off) and give them to the optimizer",
    )


def test_training_runs_in_train_mode_with_zeroed_gradients(student):
    """the head (and an unfrozen encoder) train in train mode; gradients are zeroed every step"""
    encoder, head, _ = transfer.shared_run(student, FULL)
    for model, what in ((head, "the head"), (encoder, "the unfrozen encoder")):
        modes = model.probe("mode_report")
        check(
            modes["trained"] >= transfer.steps(FULL),
            f"{what} got a gradient on fewer minibatches than the budget has: with "
            "freeze_encoder=False run it with autograd on (no torch.no_grad(), no .detach()) "
            "and backpropagate every minibatch's loss",
        )
        check(
            modes["trained_train"] >= 0.9 * modes["trained"],
            f"{what} trained in eval mode: call .train() on it before the training loop (it may "
            "arrive in eval mode)",
        )
    report = head.probe("gradient_report")
    check(
        report["stale"] == 0,
        "gradients accumulate from one step into the next: call optimizer.zero_grad() before "
        "every backward pass",
    )


def test_fine_tuned_accuracy_on_the_hidden_film_reviews(student):
    """the checkpoint fine-tuned with the encoder unfrozen, scored on the hidden film test
    reviews (partial credit between thresholds)"""
    encoder, head, _ = transfer.shared_run(student, FULL)
    low, high = transfer.ACCURACY
    graded(
        transfer.held_out_accuracy(student, encoder, head),
        low,
        high,
        what="held-out accuracy",
        hint="train every parameter with Adam at the given lr on minibatches of 8 in a fresh "
        "order each epoch, both models in train mode, zeroing the gradients at every step",
    )
