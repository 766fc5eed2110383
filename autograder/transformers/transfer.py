"""Trusted side of the fine_tune tests: the film data, the source checkpoint, and a fine-tuning
run of the student's fine_tune on the notebook's Encoder, watched by the kit's probes.

The student's fine_tune and the notebook's Encoder and ClassifierHead run in the worker; the
checkpoint goes there as a state dict. What is credited is read by the kit's probes (the raw
parameter values, the optimizer steps, the modes of the forward passes) or computed here (the
accuracy on the hidden film test reviews), never taken from what fine_tune returns.

Hidden data never comes back (README, "Security"): the test reviews are sent only inside
`student.holding_hidden_inputs()`. Their ids are the released vocabulary's (the checkpoint is
tied to them, so no secret permutation as in the lab): what keeps hidden text out of the
feedback is that rule.
"""

from __future__ import annotations

import functools
from pathlib import Path

import torch
from safetensors.torch import load_file

from dlnlp.testing import check

from .encoder import Encoder, read_reviews

HERE = Path(__file__).resolve().parent
PUBLIC = HERE.parents[1] / "assignments" / "transformers" / "data"  # released with the notebook
HIDDEN = HERE / "data"  # target_test.tsv: never sent to students

GRADING_SEED = 0
BATCH = 8  # fine_tune's minibatch size (its docstring)
# The two runs the notebook makes and the grader repeats (fine_tune's arguments).
FROZEN = {"epochs": 30, "lr": 1e-2, "freeze_encoder": True}
FULL = {"epochs": 30, "lr": 1e-3, "freeze_encoder": False}
# Held-out accuracy of full fine-tuning on the 1000 hidden film reviews: no credit at the first,
# full credit at the second, linear between. Set from the reference over seeds 0-4
# (tests/test_transformers_transfer.py checks the margin): see the README's transformers section.
ACCURACY = (0.64, 0.72)


@functools.cache
def vocabulary() -> dict[str, int]:
    words = (PUBLIC / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return {w: i for i, w in enumerate(words)}


@functools.cache
def target_train() -> tuple[torch.Tensor, torch.Tensor]:
    return read_reviews(PUBLIC / "target_train.tsv", vocabulary())


@functools.cache
def target_test() -> tuple[torch.Tensor, torch.Tensor]:
    return read_reviews(HIDDEN / "target_test.tsv", vocabulary())


@functools.cache
def checkpoint() -> dict[str, torch.Tensor]:
    return load_file(PUBLIC / "source_encoder.safetensors")


@functools.cache
def given_features() -> torch.Tensor:
    """The given Encoder's features of the training reviews, with the checkpoint, eval mode."""
    encoder = Encoder(len(vocabulary()))
    encoder.load_state_dict(checkpoint())
    with torch.no_grad():
        return encoder.eval()(target_train()[0])


def models(student, seed: int = GRADING_SEED, pretrained: bool = True):
    """The student's Encoder (holding the checkpoint) and a new ClassifierHead, in the worker,
    after checking that the Encoder is still the one the notebook gives. `pretrained=False`:
    the Encoder as initialised, unchecked (the from-scratch comparison of the kit's tests)."""
    student.seed(seed)
    encoder = student.keep.Encoder(len(vocabulary()))
    if not pretrained:
        return encoder, student.keep.ClassifierHead()
    encoder.method("load_state_dict", checkpoint())
    encoder.method("eval")
    features = encoder(target_train()[0])
    check(
        isinstance(features, torch.Tensor)
        and features.shape == given_features().shape
        and torch.allclose(features.double(), given_features().double(), atol=1e-4),
        "the notebook's Encoder (section 11, given) no longer computes what it did: fine_tune is "
        "graded on the given Encoder, so restore that cell from the release",
    )
    head = student.keep.ClassifierHead()
    return encoder, head


def fine_tuned(
    student, run: dict, watch: bool = True, seed: int = GRADING_SEED, pretrained: bool = True
):
    """(encoder, head, losses): the student's fine_tune run with `run` on the film labels."""
    encoder, head = models(student, seed, pretrained)
    if watch:
        for model in (encoder, head):
            model.probe("watch_optimizers")
            model.probe("watch_modes")
        head.probe("watch_gradients")
    losses = student.fine_tune(encoder, head, target_train(), seed=seed, **run)
    check_losses(losses, run["epochs"])
    return encoder, head, losses


def shared_run(student, run: dict):
    """fine_tuned(student, run), watched, made once per worker and shared by the tests that read
    it (the accuracy test, which retires the worker, comes last in test_fine_tune.py)."""
    return student.shared(
        ("fine_tune", tuple(sorted(run.items()))), lambda: fine_tuned(student, run)
    )


def steps(run: dict) -> int:
    """Optimizer steps the budget implies: one per minibatch of BATCH, in each epoch."""
    return run["epochs"] * -(-len(target_train()[1]) // BATCH)


def check_losses(losses, epochs: int) -> None:
    check(
        isinstance(losses, (list, tuple))
        and len(losses) == epochs
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in losses),
        "fine_tune must return a list of Python floats, one mean loss per epoch "
        "(accumulate loss.item(), not the tensor)",
    )
    check(
        losses[0] == losses[0] and losses[-1] < losses[0],
        "the training loss did not fall over the epochs: zero the gradients, backpropagate and "
        "step the optimizer at every minibatch",
    )


def held_out_accuracy(student, encoder, head, batch_size: int = 500) -> float:
    """Accuracy on the hidden film test reviews, computed here (both models in eval mode).
    The worker holds hidden reviews from here on: it is retired at the end."""
    ids, labels = target_test()
    correct = 0
    with student.holding_hidden_inputs():
        encoder.method("eval")
        head.method("eval")
        for start in range(0, len(labels), batch_size):
            chunk, truth = ids[start : start + batch_size], labels[start : start + batch_size]
            logits = head(encoder(chunk))
            check(
                isinstance(logits, torch.Tensor) and logits.shape == (len(chunk), 2),
                "the head must give logits of shape (B, 2)",
            )
            correct += int((logits.argmax(-1) == truth).sum())
    return correct / len(labels)
