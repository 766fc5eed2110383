"""Trusted helpers for BERT's inputs and masked LM: bert_inputs with switches that build the
catalogued mistakes, the masked-LM test batch, and the binomial bound the statistical tests use."""

import math

import torch

PAD, CLS, SEP, MASK = 0, 1, 2, 3
SPECIAL = (PAD, CLS, SEP, MASK)
HINT_SPECIAL = "special tokens ([CLS], [SEP], [PAD], [MASK]) must never be selected"
HINT_TRUNCATE = (
    "truncate longest-first, as BERT's fine-tuning code (_truncate_seq_pair in run_classifier.py): "
    "drop one token at a time from the end of the longer segment (from B when they are equally "
    "long)"
)


def pair(a, b, max_len, *, seps=2, types="ok", cut="longest", tie="b", from_end=True):
    """(input_ids, token_type_ids, attention_mask) as lists; the keywords build known mistakes:
    seps=1 drops the middle [SEP]; types "all0" / "last_sep0" / "pad1"; cut "b_only" / "a_only";
    tie "a"; from_end=False drops from the front."""
    a, b = list(a), list(b)
    while len(a) + len(b) > max_len - 1 - seps:
        if cut == "b_only":
            longer = b if b else a
        elif cut == "a_only":
            longer = a if a else b
        elif tie == "b":
            longer = a if len(a) > len(b) else b
        else:
            longer = b if len(b) > len(a) else a
        longer.pop(-1 if from_end else 0)
    mid = [SEP] if seps == 2 else []
    ids = [CLS, *a, *mid, *b, SEP]
    tt = [0] * (len(a) + 1 + len(mid)) + [1] * (len(b) + 1)
    if types == "all0":
        tt = [0] * len(ids)
    elif types == "last_sep0":
        tt[-1] = 0
    elif types == "first_sep1" and mid:
        tt[len(a) + 1] = 1
    n, pad = len(ids), max_len - len(ids)
    return ids + [PAD] * pad, tt + [1 if types == "pad1" else 0] * pad, [True] * n + [False] * pad


def pair_mistakes(a, b, max_len):
    """(hint, (ids, types, mask)) for each catalogued bert_inputs mistake."""
    return [
        ("a [SEP] is missing: [CLS] A [SEP] B [SEP]", pair(a, b, max_len, seps=1)),
        (
            "token types: the first [SEP] closes segment A (type 0), the last [SEP] belongs to B "
            "(type 1)",
            pair(a, b, max_len, types="last_sep0"),
        ),
        (
            "token types: the first [SEP] closes segment A (type 0), the last [SEP] belongs to B "
            "(type 1)",
            pair(a, b, max_len, types="first_sep1"),
        ),
        (
            "token types must be 1 for segment B and its [SEP], not 0 everywhere",
            pair(a, b, max_len, types="all0"),
        ),
        ("padding gets token type 0", pair(a, b, max_len, types="pad1")),
        (HINT_TRUNCATE + "; this truncates only B", pair(a, b, max_len, cut="b_only")),
        (HINT_TRUNCATE + "; this truncates only A", pair(a, b, max_len, cut="a_only")),
        (HINT_TRUNCATE + "; on a tie this cuts A", pair(a, b, max_len, tie="a")),
        (HINT_TRUNCATE + "; this drops tokens from the front", pair(a, b, max_len, from_end=False)),
    ]


def mlm_batch(rows, cols, vocab_size, seed):
    """Token ids (rows, cols): [CLS] first, [SEP] in the middle and last, every third row padded
    at the end; ordinary ids 4..vocab_size-1 elsewhere ([MASK] never occurs in the input)."""
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(4, vocab_size, (rows, cols), generator=g)
    ids[:, 0], ids[:, cols // 2], ids[:, -1] = CLS, SEP, SEP
    ids[::3, -cols // 5 :] = PAD
    ids[::3, -cols // 5 - 1] = SEP
    return ids


def fits(k: int, n: int, p: float, z: float = 5.0) -> bool:
    """Are k successes in n Bernoulli(p) trials within z standard errors (+1 trial) of p?
    z = 5: a correct implementation fails one such check with probability under 1e-6."""
    if n == 0:
        return True
    if p in (0.0, 1.0):
        return k == round(p * n)
    return abs(k / n - p) <= z * math.sqrt(p * (1 - p) / n) + 1 / n
