"""`nbgrader export` with scores as people write them: nbgrader's own CSV, its score columns
rounded to two decimals.

nbgrader sums each student's cell scores as floats, so partial credit (2/3 of a point is
0.666667) comes out as 6.833334000000001. formgrader already shows two decimals; this plugin
(`c.ExportApp.plugin_class` in the course's nbgrader_config.py) makes the export agree with it.
Everything else (columns, rows, options such as --to, --student) is nbgrader's CsvExportPlugin.
"""

from __future__ import annotations

import csv
import io

from nbgrader.plugins.export import CsvExportPlugin

SCORES = ("raw_score", "late_submission_penalty", "score", "max_score")


def rounded(value: str) -> str:
    """'6.833334000000001' -> '6.83', '10.0' -> '10.0'; anything else as it was."""
    try:
        return repr(round(float(value), 2))
    except ValueError:
        return value


class RoundedCsvExport(CsvExportPlugin):
    """nbgrader's CSV export, its scores rounded to two decimals."""

    def export(self, gradebook) -> None:
        super().export(gradebook)
        dest = self.to or "grades.csv"
        with open(dest, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
            header = rows[0].keys() if rows else None
        if header is None:
            return
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: rounded(v) if k in SCORES else v for k, v in row.items()})
        with open(dest, "w", encoding="utf-8") as f:
            f.write(out.getvalue())
