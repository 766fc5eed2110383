"""A class's Results -> grades.csv: one row per student, a column per graded function."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dlnlp.render import atomic_write
from dlnlp.results import Results, points


def write_grades_csv(all_results: list[Results], functions: list[str], path: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", *functions, "total", "max", "status"])
    for r in sorted(all_results, key=lambda r: r.student):
        by_fn = {f.name: f.score for f in r.functions}
        writer.writerow(
            [
                r.student,
                *(points(by_fn.get(fn, 0)) for fn in functions),
                points(r.score),
                points(r.max_score),
                r.status_message(),
            ]
        )
    atomic_write(path, buf.getvalue())
