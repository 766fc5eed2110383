"""Hidden tests for cross_entropy, against F.cross_entropy in float64 and autograd's gradient of it
(trusted side): class ids, soft labels, N = 1 and C = 2, and logits at |z| = 1e4."""

from dlnlp.testing import check, expect_close, expect_tensor

from .inputs import class_ids, extreme_scores, scores, soft_labels
from .mistakes import HINT_NO_SHIFT, cross_entropy_mistakes, cross_entropy_reference

# Tolerances, measured on these tests' inputs with the reference and three alternatives (max
# shift, logsumexp form, float64 inside with a loop over rows, numpy):
# - ordinary logits: the defaults (atol 1e-5, rtol 1e-4); all are at most 1.1e-7 off in the loss
#   and 2.8e-8 in dlogits.
# - |z| = 1e4: atol 1e-3 (rtol 1e-4). The losses are 4e3 to 6e3 there, off by up to 7.2e-4 (1.8e-7
#   relative) in every form; dlogits is 1.6e-8 off with the max shift and 6.8e-5 with the
#   logsumexp form, from logsumexp's float32 rounding near 1e4 (see test_softmax): that form is
#   stable and accepted.
EXTREME_ATOL = 1e-3


def _expect(student, logits, y, what, atol=1e-5):
    out = student.cross_entropy(logits, y)
    check(
        isinstance(out, (tuple, list)) and len(out) == 2,
        "return a pair (loss, dlogits)",
    )
    loss, d = expect_tensor(out[0], "the loss"), out[1]
    check(loss.dim() == 0, "the loss is a 0-d tensor: the mean over the rows")
    ref_loss, ref_grad = cross_entropy_reference(logits, y)
    wrong_loss, wrong_grad = cross_entropy_mistakes(logits, y)
    expect_close(loss, ref_loss, what=f"the loss {what}", mistakes=wrong_loss, atol=atol)
    expect_close(d, ref_grad, what=f"dlogits {what}", mistakes=wrong_grad, atol=atol)


def test_value_and_gradient_match_torch(student):
    """the loss and (softmax - Y) / N match torch's cross-entropy and autograd, class ids"""
    _expect(student, scores(7, n=5, scale=2.0, seed=10), class_ids(7, 5, seed=11), "for class ids")


def test_soft_labels(student):
    """rows of probabilities as y: -sum_c Y_c log p_c, gradient softmax - Y, averaged over rows"""
    _expect(
        student, scores(6, n=4, scale=2.0, seed=12), soft_labels(6, 4, seed=13), "for soft labels"
    )


def test_one_row_two_classes(student):
    """N = 1 and C = 2, with a class id and with a soft label"""
    logits = scores(1, n=2, scale=2.0, seed=14)
    _expect(student, logits, class_ids(1, 2, seed=15), "for one row of two classes")
    _expect(student, logits, soft_labels(1, 2, seed=16), "for one row of two classes, soft labels")


def test_extreme_logits(student):
    """stays finite and right at |logits| = 1e4, class ids and soft labels"""
    for seed, y in ((17, class_ids(5, 6, seed=18)), (19, soft_labels(5, 6, seed=20))):
        logits = extreme_scores(5, 6, seed=seed)
        loss, d = student.cross_entropy(logits, y)
        finite = bool(expect_tensor(loss, "the loss").isfinite().all())
        check(finite and bool(expect_tensor(d, "dlogits").isfinite().all()), HINT_NO_SHIFT)
        _expect(student, logits, y, "for logits near 1e4", atol=EXTREME_ATOL)
