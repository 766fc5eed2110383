"""A `Similarity` -> similarity.html: the flagged pairs, highest first, each function's code side
by side with the shared runs marked. Offline and without scripts; the code is the students', so
the template escapes every piece of it (jinja2 autoescape) and marks runs with <mark>."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dlnlp.files import atomic_write
from dlnlp.render import html_templates
from dlnlp.similarity import Similarity
from dlnlp.similarity.settings import common_limit
from dlnlp.similarity.sources import REFERENCE

PAGE_PAIRS = 100  # the page shows the top pairs in full; similarity.csv lists every flagged one

_env = html_templates("dlnlp.similarity")


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def segments(code: str, slices: np.ndarray) -> list[tuple[str, bool]]:
    """`code` cut into (text, shared?) pieces at the [starts, ends] of its shared runs, each run
    widened to whole words (copydetect maps a run's end back to the code only roughly)."""
    pieces, at = [], 0
    for start, end in zip(*(np.asarray(s, dtype=np.int64) for s in slices), strict=True):
        start, end = max(int(start), at), min(int(end), len(code))
        while start > at and start < len(code) and _word(code[start - 1]) and _word(code[start]):
            start -= 1
        while 0 < end < len(code) and _word(code[end - 1]) and _word(code[end]):
            end += 1
        if start >= end:
            continue
        if start > at:
            pieces.append((code[at:start], False))
        pieces.append((code[start:end], True))
        at = end
    if at < len(code):
        pieces.append((code[at:], False))
    return pieces


def _sides(result: Similarity, pair) -> list[dict]:
    """The pair's functions with shared code, in the assignment's order, ready to show."""
    shown = []
    for fn in result.functions:
        if (m := pair.functions.get(fn)) is not None:
            shown.append(
                {
                    "function": fn,
                    "match": m,
                    "a": segments(result.code[pair.a][fn], m.slices[0]),
                    "b": segments(result.code[pair.b][fn], m.slices[1]),
                }
            )
    return shown


def render_page(result: Similarity) -> str:
    """The matches with the reference, every one (what an instructor needs first), then the
    pairs of students, the first PAGE_PAIRS of them (similarity.csv has the rest)."""
    with_reference = [p for p in result.pairs if p.b == REFERENCE]
    students = [p for p in result.pairs if p.b != REFERENCE]
    shown = students[:PAGE_PAIRS]
    return _env.get_template("similarity.html.j2").render(
        r=result,
        s=result.settings,
        reference=REFERENCE,
        common=common_limit(result.settings, len(result.students)),
        with_reference=[(pair, _sides(result, pair)) for pair in with_reference],
        pairs=[(pair, _sides(result, pair)) for pair in shown],
        total=len(students),
        more=len(students) - len(shown),
    )


def write_page(result: Similarity, path: Path) -> Path:
    atomic_write(path, render_page(result))
    return path
