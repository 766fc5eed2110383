"""OUT_DIR/similarity/similarity.csv, when `dlnlp similarity ... --out OUT_DIR/similarity` wrote
one -> the report's list of the pairs that share the most code. Reads the CSV's fields only."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.similarity.page import PAGE_PAIRS
from dlnlp.similarity.sources import REFERENCE
from dlnlp.similarity.table import WHOLE

FOLDER = "similarity"  # OUT_DIR/similarity: where the report looks for the comparison
TOP = 10  # pairs listed in the report; the page has the rest


@dataclass
class SharedPair:
    a: str
    b: str  # a student, or (reference)
    whole: tuple[float, float] = (0.0, 0.0)
    functions: list[str] = field(default_factory=list)  # the flagged ones

    @property
    def other(self) -> str:
        return "the reference" if self.b == REFERENCE else self.b


@dataclass
class Shared:
    """The comparison as the report shows it."""

    page: Path
    pairs: list[SharedPair]  # the first TOP pairs of students, highest first (the CSV's order)
    total: int  # flagged pairs of students in all
    reference: list[SharedPair] = field(default_factory=list)  # every match with the reference
    problem: str = ""  # why the CSV could not be read

    @property
    def on_page(self) -> int:
        """Pairs of students the page shows (similarity.page.PAGE_PAIRS at most)."""
        return min(self.total, PAGE_PAIRS)


def load_similarity(out_dir: Path) -> Shared | None:
    """The comparison of OUT_DIR's class, None when there is none."""
    folder = out_dir / FOLDER
    path = folder / "similarity.csv"
    if not path.is_file():
        return None
    pairs: dict[tuple[str, str], SharedPair] = {}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                pair = pairs.setdefault(
                    (row["student_a"], row["student_b"]),
                    SharedPair(row["student_a"], row["student_b"]),
                )
                if row["function"] == WHOLE:
                    pair.whole = (float(row["similarity_a"]), float(row["similarity_b"]))
                elif row["flagged"] == "yes":
                    pair.functions.append(row["function"])
    except (OSError, KeyError, ValueError, csv.Error) as e:
        return Shared(
            folder / "similarity.html",
            [],
            0,
            problem=f"{path} could not be read ({type(e).__name__})",
        )
    students = [p for p in pairs.values() if p.b != REFERENCE]
    reference = [p for p in pairs.values() if p.b == REFERENCE]
    return Shared(folder / "similarity.html", students[:TOP], len(students), reference)
