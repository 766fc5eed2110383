"""Hidden tests for train_classifier: a seeded short run, then the full run scored on the hidden
test split (the student's TextClassifier, trained by their loop with the stated budget)."""

from dlnlp.testing import check, graded

from . import lab


def test_seeded_losses_and_zeroed_gradients(student):
    """returns one finite mean loss per epoch, the same for the same seed, and zeroes gradients"""
    _, train, _ = lab.reviews()
    small = train[:600]
    a = _short(student, small, seed=3)
    b = _short(student, small, seed=3)
    check(
        all(abs(x - y) <= 1e-5 * max(1.0, abs(x)) for x, y in zip(a, b, strict=True)),
        "two runs with the same seed gave different losses: call torch.manual_seed(seed) first "
        "and shuffle with torch.randperm",
    )


def _short(student, examples, seed):
    student.seed(seed)
    vocab_size = lab.reviews()[0]
    model = student.keep.TextClassifier(vocab_size, 2)
    model.probe("watch_gradients")
    losses = student.train_classifier(model, examples, epochs=2, lr=3e-3, batch_size=32, seed=seed)
    losses = lab.check_losses(losses, 2, "train_classifier")
    lab.check_gradients_zeroed(model, "train_classifier")
    return losses


def test_accuracy_on_the_hidden_test_split(student):
    """the trained classifier's accuracy on the hidden test reviews (partial credit between thresholds)"""
    model, losses, _ = lab.train_classifier(student)
    check(
        losses[0] > losses[-1],
        "the training loss did not fall over the epochs: zero the gradients, backpropagate and step at every batch",
    )
    acc = lab.held_out_accuracy(model)
    low, high = lab.ACCURACY
    graded(
        acc,
        low,
        high,
        what="held-out accuracy",
        hint="check that padding is ignored, that the model trains in train mode with "
        "the stated budget, and that every step zeroes the gradients",
    )
