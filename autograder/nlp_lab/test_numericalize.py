"""Hidden tests for numericalize."""

from dlnlp.testing import Mistake, check


def test_ids_and_unknown_words(student):
    """maps tokens to ids, unknown tokens to the id of <unk>"""
    vocab = {"<pad>": 0, "<unk>": 1, "good": 2, "film": 3, "not": 4}
    got = student.numericalize(["not", "a", "good", "film", "at", "all"], vocab)
    check(
        isinstance(got, list), f"numericalize must return a list of int, not {type(got).__name__}"
    )
    if got == [4, 2, 3]:
        raise Mistake("unknown tokens must not be dropped: map them to the id of '<unk>'")
    if got == [4, 0, 2, 3, 0, 0]:
        raise Mistake("unknown tokens get the id of '<unk>', not of '<pad>'")
    check(
        got == [4, 1, 2, 3, 1, 1],
        "each token must map to its id, an unknown token to vocab['<unk>']",
    )


def test_unknown_id_is_looked_up(student):
    """the unknown id is vocab['<unk>'], whatever it is; no tokens give no ids"""
    vocab = {"<pad>": 0, "<unk>": 1, "good": 2}
    other = {"<pad>": 0, "hello": 1, "<unk>": 7}
    got = student.numericalize(["hello", "world"], other)
    check(got == [1, 7], "look the unknown id up as vocab['<unk>'] rather than assuming it is 1")
    check(student.numericalize([], vocab) == [], "no tokens, no ids")
