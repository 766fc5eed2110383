"""`dlnlp similarity ASSIGNMENT PATH... --out DIR`: which submissions share code, with each other
and with the reference. Stages: sources (submissions -> graded functions as the grader extracts
them) -> fingerprints (copydetect's winnowing, starter code removed) -> compare (inverted index,
scored pairs) -> renderings of one `Similarity`: similarity.csv, similarity.html, the terminal
table. `find_similar` runs them in that order."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.similarity.settings import Settings

if TYPE_CHECKING:
    from dlnlp.similarity.compare import Pair


class SimilarityError(DlnlpError):
    """The comparison cannot run (no release notebook, copydetect missing)."""


@dataclass
class Similarity:
    """A class's comparison: what the CSV, the page and the terminal table render."""

    assignment: str
    settings: Settings
    functions: list[str]
    students: list[str]  # compared, in order
    pairs: list[Pair]  # the flagged ones, highest first; b is a student or sources.REFERENCE
    code: dict[str, dict[str, str]]  # student (or REFERENCE) -> graded function -> its code
    scored: int = 0  # (pair of students, function) comparisons made: those sharing a fingerprint
    reference: str = ""  # the reference's path, "" when there is none
    skipped: list[str] = field(default_factory=list)  # "file: why", unreadable submissions
    notes: list[str] = field(default_factory=list)  # what else the instructor should know


def find_similar(
    course: Course,
    assignment: str,
    paths: list[Path],
    settings: Settings | None = None,
    jobs: int = 1,
    progress: bool = False,
) -> Similarity:
    """Compare the submissions in `paths` with each other and with solutions/<id>.py.

    The notebooks are read in `jobs` worker processes (`workers.py`), spawned: a script that
    calls this runs it under `if __name__ == "__main__":`, as multiprocessing requires."""
    if importlib.util.find_spec("copydetect") is None:
        raise SimilarityError(
            "dlnlp similarity needs copydetect (the author extra): pip install -e '.[author]'"
        )
    from tqdm import tqdm

    from dlnlp.grade.collect import collect
    from dlnlp.similarity import compare
    from dlnlp.similarity.sources import REFERENCE, reference_code, starter_code
    from dlnlp.similarity.workers import read_class

    settings = settings or Settings()
    functions = list(course.config().assignment(assignment).functions)
    release = course.release_notebook(assignment)
    if not release.is_file():
        raise SimilarityError(
            f"{release}: no release notebook, whose starter code is left out of the comparison; "
            f"build it first (dlnlp build {assignment})"
        )
    subs = collect(paths, assignment, functions)
    solution = course.solution(assignment)
    ref = reference_code(solution, functions) if solution.is_file() else None
    result = Similarity(assignment, settings, functions, [], [], {})
    with tqdm(total=len(subs), unit="sub", desc="reading", disable=not progress) as bar:
        reads, ref_fps = read_class(
            subs,
            functions,
            starter_code(release, functions),
            ref.functions if ref else None,
            settings,
            jobs,
            bar.update,
        )
    codes = []
    for read in reads:
        if read.unreadable:
            result.skipped.append(read.unreadable)
            continue
        result.students.append(read.student)
        codes.append(read.fingerprints)
        result.notes += read.notes
        result.code[read.student] = {fn: fp.raw_code for fn, fp in read.fingerprints.items()}
    with tqdm(total=len(functions), unit="fn", desc="comparing", disable=not progress) as bar:
        result.pairs, result.scored = compare.class_pairs(
            codes, result.students, functions, settings, bar.update
        )
    if ref is not None:
        assert ref_fps is not None, "read_class fingerprints the reference it is given"
        result.reference = str(solution.relative_to(course.root))
        result.code[REFERENCE] = ref.functions
        result.pairs += compare.reference_pairs(
            codes, result.students, ref_fps, functions, settings
        )
    else:
        result.notes.append(f"no {solution}: not compared with the reference")
    result.pairs.sort(key=lambda p: p.rank(), reverse=True)
    return result


def write_similarity(result: Similarity, out_dir: Path) -> tuple[Path, Path]:
    """DIR/similarity.csv and DIR/similarity.html."""
    from dlnlp.similarity.page import write_page
    from dlnlp.similarity.table import write_csv

    return write_csv(result, out_dir / "similarity.csv"), write_page(
        result, out_dir / "similarity.html"
    )
