"""Does every hidden test's label, as the student reads it in the feedback, say its whole
point? The label is the first paragraph of the test's docstring (grade/hidden_tests.label): it
must not be cut mid-sentence, nor run on for lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dlnlp.grade.hidden_tests import label

REPO = Path(__file__).resolve().parents[1]
LONGEST = 200  # characters: about two lines of the feedback page
# a label that ends on one of these stops mid-sentence
DANGLING = re.compile(
    r"([,;:(\-–—]|\b(and|or|but|nor|the|a|an|of|to|in|on|at|by|for|with|than|as|its|"
    r"that|which|when|where|while|whose|from|into|over|under|between|per|each|every|"
    r"not|no|so|if|then|both|either|neither|and it|or it))$",
    re.IGNORECASE,
)


def _hidden_tests() -> list[tuple[str, str | None]]:
    """(assignment/module::test, its docstring) of every hidden test, read without importing."""
    found = []
    for path in sorted(REPO.glob("autograder/*/test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                where = f"{path.parent.name}/{path.stem}::{node.name}"
                found.append((where, ast.get_docstring(node)))
    return found


HIDDEN = _hidden_tests()


def test_the_label_is_the_whole_first_paragraph():
    """Is a docstring wrapped over two lines read whole, not cut at the first line's end?"""
    doc = "freeze_encoder=True: the encoder's weights are exactly the checkpoint's, and it\n    ran in eval mode.\n\n    Details the student does not need."
    assert label(doc) == (
        "freeze_encoder=True: the encoder's weights are exactly the checkpoint's, and it ran "
        "in eval mode."
    )
    assert label(None) == "" and label("  one line  ") == "one line"


@pytest.mark.parametrize("where, doc", HIDDEN, ids=[w for w, _ in HIDDEN])
def test_no_label_ends_mid_sentence_or_runs_on(where, doc):
    """Does this hidden test have a label that ends where its sentence ends, in at most ~two
    lines?"""
    text = label(doc)
    assert text, f"{where}: no docstring; its first paragraph is the student's label"
    assert not DANGLING.search(text.rstrip(".")), f"{where}: the label stops mid-sentence: {text!r}"
    assert len(text) <= LONGEST, f"{where}: a {len(text)}-character label: {text!r}"
