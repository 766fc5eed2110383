"""Hidden tests for mlm_mask: exact bookkeeping (labels, specials, unselected positions) and
seeded statistics. Every rate is checked as a binomial proportion within 5 standard errors
(+1 trial) of its value, so a correct sampler fails with probability under 1e-5 whatever its
way of drawing, while each catalogued wrong distribution is many standard errors away."""

import torch

from dlnlp.testing import Mistake, check

from .bert import HINT_SPECIAL, MASK, SPECIAL, fits, mlm_batch

V = 10  # small: each id is drawn often as a random replacement, so its share can be checked
HINT_LABELS = "labels must be -100 at every position that is not selected"
HINT_PROPORTIONS = (
    "of the selected positions, 80% must become mask_id, 10% a random token and 10% keep their "
    "token"
)


def corrupted(student, ids, p, seed):
    out = student.mlm_mask(
        ids.clone(), MASK, V, list(SPECIAL), p=p, generator=torch.Generator().manual_seed(seed)
    )
    check(
        isinstance(out, (tuple, list)) and len(out) == 2,
        "mlm_mask must return a tuple (inputs, labels)",
    )
    corrupt, targets = out
    check(
        isinstance(corrupt, torch.Tensor)
        and isinstance(targets, torch.Tensor)
        and corrupt.shape == ids.shape
        and targets.shape == ids.shape,
        "inputs and labels must be tensors shaped like ids",
    )
    check(
        corrupt.dtype == torch.int64 and targets.dtype == torch.int64,
        "inputs and labels must be int64",
    )
    return corrupt, targets


def _bookkeeping(ids, corrupt, targets):
    """The checks that hold for every draw; returns the selected positions."""
    special = torch.isin(ids, torch.tensor(SPECIAL))
    picked = targets != -100
    if bool((picked & special).any()):
        raise Mistake(HINT_SPECIAL)
    check(not bool((corrupt[special] != ids[special]).any()), HINT_SPECIAL + " nor changed")
    if not torch.equal(targets[picked], ids[picked]):
        if bool((targets[picked] == corrupt[picked]).all()):
            raise Mistake("the label is the original token, not the corrupted input")
        raise Mistake("the label of a selected position must be its original token")
    if bool((corrupt[~picked] != ids[~picked]).any()):
        raise Mistake(
            "a position was changed but not selected: only selected positions are corrupted, "
            "and each of them gets its original token as label"
        )
    check(bool(((corrupt >= 0) & (corrupt < V)).all()), "an input id is outside the vocabulary")
    return picked, special


def test_labels_and_special_tokens(student):
    """labels are the original ids exactly at the selected positions and -100 elsewhere; special
    tokens are never selected; unselected positions are unchanged"""
    ids = mlm_batch(60, 40, V, seed=0)
    corrupt, targets = corrupted(student, ids, 0.3, seed=1)
    special = torch.isin(ids, torch.tensor(SPECIAL))
    if not bool((targets[~special] == -100).any()):
        raise Mistake(HINT_LABELS)
    _bookkeeping(ids, corrupt, targets)


def test_selection_rate(student):
    """each ordinary position is selected with probability p (p = 0.15 and 0.4)"""
    ids = mlm_batch(300, 100, V, seed=2)
    for p, seed in ((0.15, 3), (0.4, 4)):
        corrupt, targets = corrupted(student, ids, p, seed)
        picked, special = _bookkeeping(ids, corrupt, targets)
        n = int((~special).sum())
        check(
            fits(int(picked.sum()), n, p),
            "each ordinary (non-special) position must be selected with probability p",
        )


def test_eighty_ten_ten(student):
    """of the selected positions: mask_id with probability 0.8 + 0.1/V, kept with 0.1 + 0.1/V,
    and every other id t with 0.1/V (a random token uniform over all vocab_size ids)"""
    ids = mlm_batch(500, 200, V, seed=5)
    corrupt, targets = corrupted(student, ids, 0.5, seed=6)
    picked, _ = _bookkeeping(ids, corrupt, targets)
    orig, got = ids[picked], corrupt[picked]
    n = int(picked.sum())
    masked, kept = int((got == MASK).sum()), int((got == orig).sum())
    if fits(masked, n, 1.0):
        raise Mistake("every selected token became mask_id: " + HINT_PROPORTIONS)
    if not (fits(masked, n, 0.8 + 0.1 / V) and fits(kept, n, 0.1 + 0.1 / V)):
        raise Mistake(HINT_PROPORTIONS)
    for t in range(V):
        if t == MASK:
            continue
        others = orig != t  # where t can only come from a random draw
        if not fits(int((got[others] == t).sum()), int(others.sum()), 0.1 / V):
            raise Mistake(
                "the random replacement must be uniform over all vocab_size ids "
                "(torch.randint(vocab_size, ...)), special ids included"
            )


def test_deterministic_given_the_generator(student):
    """the same seed gives the same (inputs, labels); another seed gives others"""
    ids = mlm_batch(40, 30, V, seed=7)
    a = corrupted(student, ids, 0.15, seed=8)
    student.seed(99)  # moves torch's global generator: code that uses it cannot repeat itself
    b = corrupted(student, ids, 0.15, seed=8)
    c = corrupted(student, ids, 0.15, seed=9)
    same = torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    check(same, "the same generator seed must give the same result: draw every number from it")
    check(
        not (torch.equal(a[0], c[0]) and torch.equal(a[1], c[1])),
        "different seeds gave the same result: draw from `generator`",
    )
