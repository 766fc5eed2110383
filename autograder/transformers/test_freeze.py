"""Hidden tests for freeze, on the student's own TinyGPT holding a reference state dict (the
names the docstring fixes). What stays trainable is read by the kit's `parameter_count` probe
(the trainable scalars, each Parameter once), never from what freeze reports; the expected
counts come from the state dict's names, the tied head counted once."""

from dlnlp.testing import Mistake, check

from .gpt import LAYERS, MAX_LEN, D, V, loaded
from .inputs import gpt_state_dict

HINT_BY_NAME = (
    "the parameters left trainable are not those whose names start with one of `trainable`: "
    "freeze by parameter name (named_parameters()), not by module type"
)
HINT_SUBSTRING = (
    "a name is kept when it starts with one of the prefixes, not when it contains one: "
    "use name.startswith"
)
HINT_RETURN = (
    "return the number of trainable scalars after freezing: the numel of every parameter that "
    "still requires grad, each Parameter once"
)

SD = gpt_state_dict(V, D, LAYERS, MAX_LEN, seed=0)
NAMES = {k: v.numel() for k, v in SD.items() if k != "lm_head.weight"}  # tied: one Parameter


def _count(test):
    return sum(n for name, n in NAMES.items() if test(name))


def _expect_frozen(student, trainable):
    m = loaded(student, SD)
    returned = student.freeze(m, list(trainable))
    left = m.probe("parameter_count")
    expected = _count(lambda name: name.startswith(tuple(trainable)))
    if left != expected:
        if left == _count(lambda name: any(t in name for t in trainable)):
            raise Mistake(HINT_SUBSTRING)
        if left == sum(NAMES.values()):
            raise Mistake("nothing was frozen: set requires_grad = False on the other parameters")
        raise Mistake(HINT_BY_NAME)
    check(isinstance(returned, int) and not isinstance(returned, bool), HINT_RETURN)
    if returned != expected:
        if returned == expected + V * D and "tok_emb" in "".join(trainable):
            raise Mistake("the tied embedding is counted twice: count each Parameter once")
        raise Mistake(HINT_RETURN)


def test_keeps_the_last_block_and_final_norm(student):
    """["blocks.1.", "ln_f."]: only the last block and the final LayerNorm stay trainable"""
    _expect_frozen(student, ["blocks.1.", "ln_f."])


def test_prefixes_not_substrings(student):
    """["pos_emb", "W1"]: "W1" starts no name (blocks.0.W1 only contains it), so only pos_emb"""
    _expect_frozen(student, ["pos_emb", "W1"])


def test_tied_embedding_counts_once(student):
    """["tok_emb", "blocks.0.ln"]: the tied embedding (also lm_head.weight) counts once"""
    _expect_frozen(student, ["tok_emb", "blocks.0.ln"])
