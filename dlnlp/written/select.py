"""The release's written questions, and a submitted notebook's answers to them.

A written answer is an nbgrader manually graded markdown cell (`grade` and `solution` true,
grade_id `written_<slug>`); its question is the locked cell `written_<slug>_question`. The
questions always come from the release: a student who edited or deleted a question cell still
gets the release's text. The student's notebook gives only the answers, found by grade_id and
read as plain text: it is untrusted, so anything malformed reads as "no answer".
"""

from __future__ import annotations

import json
from pathlib import Path

from dlnlp.notebook import grade_id, nbgrader_meta, source
from dlnlp.written.page import Shown

UNANSWERED = "YOUR ANSWER HERE"
NO_ANSWER = "*(no answer)*"
# a notebook is read whole to find its answers: past this size it is refused, not read
MAX_NOTEBOOK_BYTES = 64 * 2**20


class Unreadable(Exception):
    """The submitted notebook cannot be read; the message says why (never its contents)."""


def _cells(nb: object) -> list[dict]:
    cells = nb.get("cells") if isinstance(nb, dict) else None
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def _source(cell: dict) -> str:
    """A cell's text, fit for a page."""
    # JSON may carry lone surrogates ("\ud800"), which no page can be written with
    return source(cell).encode("utf-8", "replace").decode("utf-8")


def is_written_answer(cell: dict) -> bool:
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "markdown" and bool(meta.get("grade") and meta.get("solution"))


def written_questions(release: dict) -> list[tuple[str, str]]:
    """[(grade_id, question markdown)] of the release notebook, in its order."""
    cells = _cells(release)
    by_id = {grade_id(c): _source(c) for c in cells}
    found = []
    for i, cell in enumerate(cells):
        if is_written_answer(cell):
            gid = grade_id(cell) or f"cell-{i}"
            # the locked question cell; an older release without one: the cell just before
            before = _source(cells[i - 1]) if i > 0 else ""
            found.append((gid, by_id.get(f"{gid}_question", before)))
    return found


def read_release(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_submission(path: Path) -> dict:
    """The submitted notebook as JSON, or Unreadable (missing, too big, not JSON)."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise Unreadable(f"{path.name}: larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
        nb = json.loads(path.read_bytes())
    except Unreadable:
        raise
    except (OSError, ValueError, RecursionError) as e:
        raise Unreadable(
            f"{path.name}: {'NotJSONError' if isinstance(e, ValueError) else type(e).__name__}"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unreadable(f"{path.name}: not a notebook")
    return nb


def answered(text: str) -> bool:
    return text.strip() not in ("", UNANSWERED)


def student_answers(nb: dict, questions: list[tuple[str, str]]) -> list[Shown]:
    """Each release question with the student's answer: the first answered cell carrying its
    grade_id (a student may have copied the cell), else "(no answer)"."""
    texts: dict[str, str] = {}
    for cell in _cells(nb):
        gid, text = grade_id(cell), _source(cell)
        if gid is not None and answered(text):
            texts.setdefault(gid, text)
    return [Shown(g, question, texts.get(g, NO_ANSWER)) for g, question in questions]
