"""Hidden tests for tokenize."""

from dlnlp.testing import Mistake, check

CASES = [
    ("The plot, sadly, was DULL!", ["the", "plot", ",", "sadly", ",", "was", "dull", "!"]),
    ("wow!!! 10/10", ["wow", "!", "!", "!", "10", "/", "10"]),
    ("(great)film-maker.", ["(", "great", ")", "film", "-", "maker", "."]),
]
SPACES = [
    ("don't\tstop\n\nnow ", ["don", "'", "t", "stop", "now"]),
    ("  two   spaces ", ["two", "spaces"]),
    ("", []),
    ("   ", []),
]


def test_words_and_punctuation(student):
    """lower-cases, keeps runs of a-z/0-9 together, makes every other character its own token"""
    _check(student, CASES)


def test_whitespace_only_separates(student):
    """tabs, newlines and runs of spaces only separate tokens; an empty text has none"""
    _check(student, SPACES)


def _check(student, cases):
    for text, expected in cases:
        got = student.tokenize(text)
        check(
            isinstance(got, list), f"tokenize must return a list of str, not {type(got).__name__}"
        )
        if got == expected:
            continue
        if got == [t for t in text.lower().split()] or got == text.split():
            raise Mistake(
                "punctuation must be split off as its own token, not left attached to words"
            )
        if [t.lower() for t in got] == expected:
            raise Mistake("lower-case the text before splitting")
        if [t for t in got if t.strip()] == expected:
            raise Mistake("whitespace only separates tokens: it is never a token itself")
        raise Mistake(
            "the tokens do not follow the contract: runs of a-z and 0-9 are one token, "
            "every other non-space character is a token of its own"
        )
