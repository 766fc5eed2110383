"""A class's Results -> grades.csv: one row per student, a column per graded function.

Every CSV the kit writes goes through `csv_text`, so that no cell opens as a formula in a
spreadsheet (status messages and names carry text a student chose)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from dlnlp.files import atomic_write
from dlnlp.render.table import printable
from dlnlp.results import Results, points

# what a spreadsheet reads as the start of a formula (OWASP's CSV injection list, the
# full-width forms some locales accept, and leading blanks that a spreadsheet may skip)
_FORMULA = re.compile(r"[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value: object) -> str:
    """`value` as text, with a leading "'" when a spreadsheet would run it as a formula
    (numbers, the kit's own cells, are left as they are)."""
    text = str(value)
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buf.getvalue()


def write_grades_csv(all_results: list[Results], functions: list[str], path: Path) -> None:
    rows: list[list[object]] = [["student", *functions, "total", "max", "status"]]
    for r in sorted(all_results, key=lambda r: r.student):
        by_fn = {f.name: f.score for f in r.functions}
        rows.append(
            [
                r.student,
                *(points(by_fn.get(fn, 0)) for fn in functions),
                points(r.score),
                points(r.max_score),
                r.status_message(),
            ]
        )
    atomic_write(path, csv_text(rows))


def write_student_ids(ids: list[tuple[str, str, Path]], path: Path) -> None:
    """student-ids.csv: each student id, the name it comes from (a file stem or a folder) and
    the submission's path, so that an instructor can tell which file became which id. Names
    are written with their control characters escaped (`printable`)."""
    rows: list[list[object]] = [["student", "name", "path"]]
    rows += [[s, printable(name), printable(str(p))] for s, name, p in sorted(ids)]
    atomic_write(path, csv_text(rows))
