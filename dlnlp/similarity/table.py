"""A `Similarity` -> similarity.csv (student, student, function, similarity both ways) and the
short table `dlnlp similarity` prints."""

from __future__ import annotations

from pathlib import Path

from dlnlp.files import atomic_write
from dlnlp.render.grades_csv import csv_text
from dlnlp.render.table import columns, printable
from dlnlp.similarity import Similarity
from dlnlp.similarity.sources import REFERENCE

WHOLE = "(submission)"  # the function column of a whole-submission row: no function's name
HEADER = [
    "student_a",
    "student_b",  # a student, or (reference): solutions/<id>.py
    "function",  # a graded function, or (submission): all of them together
    "similarity_a",  # share of student_a's code (starter code left out) also in student_b's
    "similarity_b",  # and of student_b's in student_a's
    "shared_a",  # characters of student_a's normalised code in shared runs
    "shared_b",
    "flagged",  # "yes" when a similarity is at or above the threshold
]
TERMINAL_PAIRS = 15


def percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def listed(names: list[str], width: int = 50) -> str:
    """Names joined by commas, as many as fit in `width`, then how many more."""
    shown = ""
    for i, name in enumerate(names):
        more = f" (+{len(names) - i} more)"
        if shown and len(shown) + len(name) + 2 + len(more) > width:
            return shown + more
        shown = f"{shown}, {name}" if shown else name
    return shown or "-"


def rows(result: Similarity) -> list[list[object]]:
    """Every flagged pair, highest first: its whole-submission row, then each function the two
    share code in, in the assignment's order."""
    found: list[list[object]] = []
    for p in result.pairs:
        parts = [(WHOLE, p.whole)] + [
            (fn, p.functions[fn]) for fn in result.functions if fn in p.functions
        ]
        for name, m in parts:
            found.append(
                [
                    p.a,
                    p.b,
                    name,
                    f"{m.similarity[0]:.3f}",
                    f"{m.similarity[1]:.3f}",
                    m.shared[0],
                    m.shared[1],
                    "yes" if m.flagged else "no",
                ]
            )
    return found


def write_csv(result: Similarity, path: Path) -> Path:
    atomic_write(path, csv_text([HEADER, *rows(result)]))
    return path


def terminal_table(result: Similarity, csv_path: Path, page: Path) -> str:
    """The top pairs, then what was compared and where the rest is."""
    s = result.settings
    lines = []
    if result.pairs:
        top = [
            [
                printable(p.a),
                printable(p.b),
                f"{percent(p.whole.similarity[0])} / {percent(p.whole.similarity[1])}",
                listed(p.flagged_functions),
            ]
            for p in result.pairs[:TERMINAL_PAIRS]
        ]
        lines += [
            columns(["student", "shares code with", "whole (a / b)", "flagged functions"], top),
            "",
        ]
        if len(result.pairs) > TERMINAL_PAIRS:
            lines.append(f"... {len(result.pairs) - TERMINAL_PAIRS} more pairs in {csv_path}")
    with_reference = sum(p.b == REFERENCE for p in result.pairs)
    pairs = len(result.students) * (len(result.students) - 1) // 2
    lines.append(
        f"{len(result.students)} submissions compared ({pairs} pairs; {result.scored} "
        f"function comparisons, where they share a fingerprint): "
        f"{len(result.pairs) - with_reference} pairs of students and {with_reference} matches "
        f"with the reference at or above {percent(s.threshold)} similarity"
    )
    lines.append(f"page: {page}\ntable: {csv_path}")
    return "\n".join(lines)
