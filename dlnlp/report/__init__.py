"""`dlnlp report OUT_DIR`: the instructor's view of a graded class, read back from the grading
records. Stages: load (records -> Results) -> stats (pure summaries) -> plots (PNGs) and matrix
(students x tests CSV) -> html (report.html). `make_report` runs them in that order."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.errors import DlnlpError


class ReportError(DlnlpError):
    """The report cannot be made (no records, mixed assignments, matplotlib missing)."""

    exit_code = 2  # nothing to report on is not a failed run of a report


@dataclass
class Written:
    """What `make_report` wrote, and which student folders it skipped (and why)."""

    html: Path
    matrix: Path
    plots: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def make_report(out_dir: Path, report_dir: Path | None = None) -> Written:
    """Read the class graded into `out_dir`; write report.html, its plots and the test matrix
    into `report_dir` (default: OUT_DIR/report)."""
    from dlnlp.report.html import write_html
    from dlnlp.report.load import load_class
    from dlnlp.report.matrix import write_matrix
    from dlnlp.report.plots import draw_plots

    report_dir = report_dir or out_dir / "report"
    graded = load_class(out_dir, report_dir)
    plots = draw_plots(graded.results, report_dir)  # first: without matplotlib, write nothing
    matrix = write_matrix(graded.results, report_dir / "tests.csv")
    html = write_html(graded, plots, matrix, report_dir / "report.html")
    return Written(html, matrix, list(plots.values()), graded.skipped)
