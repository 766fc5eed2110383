"""Hidden tests for build_vocab."""

from dlnlp.testing import Mistake, check

DOCS = [["z", "d", "b"], ["a", "b", "c", "b"], ["a", "z"]]
# counts: b 3, a 2, z 2, c 1, d 1; first seen: z, d, b, a, c
FULL = {"<pad>": 0, "<unk>": 1, "b": 2, "a": 3, "z": 4, "c": 5, "d": 6}


def vocab_of(student, docs, **kw):
    got = student.build_vocab(docs, **kw)
    check(isinstance(got, dict), f"build_vocab must return a dict, not {type(got).__name__}")
    return got


def test_specials_then_by_frequency(student):
    """<pad> is 0, <unk> is 1, then most frequent first, ties alphabetically"""
    got = vocab_of(student, DOCS)
    if got == FULL:
        return
    check(
        got.get("<pad>") == 0 and got.get("<unk>") == 1,
        "'<pad>' must have id 0 and '<unk>' id 1, before every other token",
    )
    check(set(got) == set(FULL), "every token of the texts must be in the vocabulary (min_freq=1)")
    order = sorted((t for t in got if not t.startswith("<")), key=got.get)
    if order == ["z", "d", "b", "a", "c"]:
        raise Mistake("order tokens by frequency (most frequent first), not by first appearance")
    if order == ["b", "a", "z", "c", "d"][::-1] or order[0] in ("c", "d"):
        raise Mistake("the most frequent token comes first (id 2), not the rarest")
    if order == sorted(order):
        raise Mistake(
            "order tokens by frequency first (most frequent first); break ties alphabetically"
        )
    raise Mistake("ids must be consecutive from 2: most frequent first, ties in alphabetical order")


def test_min_freq(student):
    """min_freq keeps tokens seen at least that many times"""
    got = vocab_of(student, DOCS, min_freq=2)
    if got == {"<pad>": 0, "<unk>": 1, "b": 2}:
        raise Mistake("min_freq keeps tokens seen *at least* min_freq times (>=, not >)")
    check(
        got == {"<pad>": 0, "<unk>": 1, "b": 2, "a": 3, "z": 4},
        "min_freq must drop the tokens seen fewer than min_freq times",
    )
    check(
        vocab_of(student, DOCS, min_freq=9) == {"<pad>": 0, "<unk>": 1},
        "with no token frequent enough, only '<pad>' and '<unk>' remain",
    )
    check(
        vocab_of(student, []) == {"<pad>": 0, "<unk>": 1},
        "an empty corpus gives just '<pad>' and '<unk>'",
    )
