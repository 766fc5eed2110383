"""Hidden tests for train_classifier: a seeded short run, then the full run scored on the hidden
test split (the student's TextClassifier, trained by their loop with the stated budget)."""

from dlnlp.testing import check, graded

from . import lab


def test_seeded_losses_and_zeroed_gradients(student):
    """one mean loss per epoch, in train mode, zeroing gradients; the loop seeds itself"""
    _, train, _ = lab.reviews()
    small = train[:600]
    # the same model both times; the global generator differs, so only a loop that calls
    # torch.manual_seed(seed) itself repeats its shuffles and dropout masks
    _, a, _ = lab.train_classifier(student, seed=3, examples=small, reseed=11, epochs=2)
    _, b, _ = lab.train_classifier(student, seed=3, examples=small, reseed=12, epochs=2)
    lab.check_same_losses(a, b, "and shuffle with torch.randperm")


def test_accuracy_on_the_hidden_test_split(student):
    """the trained classifier's accuracy on the hidden test reviews (partial credit between thresholds)"""
    model, losses, _ = lab.train_classifier(student)
    check(
        losses[0] > losses[-1],
        "the training loss did not fall over the epochs: zero the gradients, backpropagate and step at every batch",
    )
    acc = lab.held_out_accuracy(student, model)
    low, high = lab.ACCURACY
    graded(
        acc,
        low,
        high,
        what="held-out accuracy",
        hint="check that padding is ignored, that the model trains in train mode with "
        "the stated budget, and that every step zeroes the gradients",
    )
