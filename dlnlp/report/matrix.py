"""A class's Results -> tests.csv: one row per student, one column per hidden test
("function::test"), each cell the points scored, then the total. For the instructor's own
analysis (item difficulty, which tests fail together); grades.csv stays the gradebook."""

from __future__ import annotations

from pathlib import Path

from dlnlp.files import atomic_write
from dlnlp.render.grades_csv import csv_text
from dlnlp.report.stats import key_of
from dlnlp.results import Results


def cell(x: float) -> str:
    """Four decimals, no trailing zeros: close enough that a row sums to its total."""
    return f"{x:.4f}".rstrip("0").rstrip(".")


def columns(results: list[Results]) -> list[str]:
    """Every test any student was graded on, in the order the tests ran."""
    keys: dict[str, None] = {}
    for r in results:
        keys.update((key_of(t), None) for t in r.tests)
    return list(keys)


def write_matrix(results: list[Results], path: Path) -> Path:
    keys = columns(results)
    rows: list[list[str]] = [["student", *keys, "total"]]
    for r in sorted(results, key=lambda r: r.student):
        scored = {key_of(t): t.score for t in r.tests}
        # an empty cell: that test was not run for this student (not the same as 0 points)
        rows.append(
            [r.student, *(cell(scored[k]) if k in scored else "" for k in keys), cell(r.score)]
        )
    # csv_text: no cell a spreadsheet would run as a formula (ids of records from older runs)
    atomic_write(path, csv_text(rows))
    return path
