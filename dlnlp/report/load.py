"""OUT_DIR -> every student's Results, read from the grading records that `dlnlp grade` writes
last for each student (they hold the full Results: kinds, hints, notes, timings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.grade.resume import RECORD, load_record
from dlnlp.report import ReportError
from dlnlp.results import Results

GRADE_FIRST = "run `dlnlp grade ASSIGNMENT SUBMISSIONS --out {}` first"


@dataclass
class Graded:
    out_dir: Path
    assignment: str
    results: list[Results]  # one per student, sorted by student
    skipped: list[str] = field(default_factory=list)  # "student: why it is not in the report"


def load_class(out_dir: Path, report_dir: Path | None = None) -> Graded:
    """The Results of every student folder of `out_dir` that holds a grading record.

    A folder with results.json but no (readable) record is skipped and listed: results.json
    lacks what the report counts (kinds of failure, hints), and `dlnlp grade` keeps no record
    exactly when grading it failed on our side, so a re-run is the fix anyway."""
    if not out_dir.is_dir():
        raise ReportError(f"{out_dir} is not a folder: {GRADE_FIRST.format(out_dir)}")
    if report_dir is not None and (report_dir / RECORD).exists():
        raise ReportError(
            f"{report_dir} is a student's folder: pass --out to write the report elsewhere"
        )
    results, skipped = [], []
    for folder in sorted(p for p in out_dir.iterdir() if p.is_dir()):
        record = load_record(folder)
        if record is not None:
            results.append(record.results)
        elif (folder / RECORD).exists():
            skipped.append(f"{folder.name}: its {RECORD} cannot be read; grade it again")
        elif (folder / "results.json").exists():
            skipped.append(
                f"{folder.name}: results.json without a {RECORD} (grading it failed); grade it again"
            )
    if not results:
        found = f" ({len(skipped)} student folders without one)" if skipped else ""
        raise ReportError(f"no grading records in {out_dir}{found}: {GRADE_FIRST.format(out_dir)}")
    assignments = sorted({r.assignment for r in results})
    if len(assignments) > 1:  # one report per assignment: the tests would not line up
        raise ReportError(
            f"{out_dir} holds several assignments ({', '.join(assignments)}): grade each "
            "into a folder of its own"
        )
    results.sort(key=lambda r: r.student)
    return Graded(out_dir, assignments[0], results, skipped)
