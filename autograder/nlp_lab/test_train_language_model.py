"""Hidden tests for train_language_model: a seeded short run, then the full run scored by
perplexity on the hidden test text (the student's LanguageModel, trained by their loop)."""

from dlnlp.testing import check, graded

from . import lab


def test_seeded_losses_and_zeroed_gradients(student):
    """one mean loss per epoch, in train mode, zeroing gradients; the loop seeds itself"""
    _, train, _ = lab.corpus()
    # the same model both times; the global generator differs, so only a loop that calls
    # torch.manual_seed(seed) itself repeats its window order and dropout masks
    _, a, _ = lab.train_language_model(student, seed=3, stream=train[:6000], reseed=11, epochs=2)
    _, b, _ = lab.train_language_model(student, seed=3, stream=train[:6000], reseed=12, epochs=2)
    lab.check_same_losses(a, b, "and order the windows with torch.randperm")


def test_perplexity_on_the_hidden_test_text(student):
    """the trained model's perplexity on the hidden test text (partial credit between thresholds)"""
    model, losses, _ = lab.train_language_model(student)
    check(
        losses[0] > losses[-1],
        "the training loss did not fall: zero the gradients, backpropagate and step at every batch",
    )
    ppl = lab.held_out_perplexity(student, model)
    low, high = lab.PERPLEXITY
    if ppl > low:
        lab.raise_if_copying(losses)
    graded(
        ppl,
        low,
        high,
        what="held-out perplexity",
        hint="check that the targets are the inputs shifted by one, that padding is left out "
        "of the loss, and that every step zeroes the gradients",
    )
