"""Command-line paths -> the submissions to grade, one per student.

Accepted: .ipynb files (student = file stem), folders of them, and nbgrader's layout
`submitted/<student>/<assignment>/*.ipynb` (student = the folder), given as the course folder,
its `submitted/` folder, or a student's folder.

A student id names the student's output folder, a row of grades.csv and a line of the terminal
table, and the name is the student's to choose: a name outside a safe set gets a safe id of its
own (see `student_id`), and the batch reports which name became which id.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.course import material_files
from dlnlp.errors import DlnlpError
from dlnlp.notebook import grade_id, is_solution

# ASCII letters, digits, "_" first (no hidden ".x", no "-x" option, no "=x" formula), then also
# ".", "@", "-" (e-mail-like nbgrader ids stay as they are); bounded so a path stays short
SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@-]{0,63}")
# the batch's own files and folders in OUT (compared case-folded: some file systems fold case)
RESERVED = frozenset({"grades.csv", "grading.log", "student-ids.csv", "report", "similarity"})
# a candidate notebook larger than this is not read to count its graded cells (it counts none)
MAX_NOTEBOOK_BYTES = 64 * 2**20


class CollectError(DlnlpError):
    """The paths given cannot be graded as they are; the message says which and why."""


def student_id(name: str) -> str:
    """`name` itself when it is a safe id, else a slug of it + "~" + a hash of the whole name.

    Stable (a resumed batch finds the same folder) and one-to-one: a safe id never holds "~",
    every mapped id does, and two mapped names differ in their hash (were two 40-bit hashes
    ever to meet, `collect` refuses the pair before grading starts)."""
    if SAFE_ID.fullmatch(name) and name.casefold() not in RESERVED:
        return name
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._@-]+", "-", ascii_name).lstrip(".@-")[:40].rstrip("-")
    # a file name that is not UTF-8 arrives with surrogate escapes: hash its bytes as they are
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return f"{slug or 'unnamed'}~{digest}"


@dataclass(frozen=True)
class Submission:
    student: str  # given: the file stem or folder name; kept: its safe id (`student_id`)
    path: Path
    original: str = field(default="", compare=False)  # the name as given, for the report
    notes: tuple[str, ...] = field(default=(), compare=False)  # for the student: `pick_notebook`

    def __post_init__(self) -> None:
        object.__setattr__(self, "original", self.original or self.student)
        object.__setattr__(self, "student", student_id(self.original))


def _graded_cells(path: Path, functions: Collection[str]) -> int:
    """How many of the assignment's solution cells (grade_id in `functions`; any, if none are
    given) the notebook holds; 0 when it cannot be read. Plain JSON: the file is the student's."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return 0
        nb = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return 0
    cells = nb.get("cells") if isinstance(nb, dict) else None
    ids = [grade_id(c) for c in (cells if isinstance(cells, list) else []) if is_solution(c)]
    return sum(gid is not None and (not functions or gid in functions) for gid in ids)


def pick_notebook(
    folder: Path, assignment: str, functions: Collection[str] = ()
) -> tuple[Path | None, list[str]]:
    """The student's notebook in `folder` (at any depth, hidden paths skipped: `material_files`),
    and notes for the student about what was and was not graded.

    Chosen: the expected name <assignment>.ipynb, else the notebook holding the most graded
    cells (`_graded_cells`); ties go to the shallowest, then the first by path."""
    expected = f"{assignment}.ipynb"
    found = [p for p in material_files(folder) if p.suffix == ".ipynb"]
    if not found:
        others = [p.name for p in material_files(folder)]
        listed = f" (found: {', '.join(others[:5])})" if others else ""
        return None, [
            f"No .ipynb notebook was found in your submission{listed}. Upload {expected}."
        ]
    named = [p for p in found if p.name == expected]
    if named:  # no need to read the others
        chosen = min(named, key=lambda p: (len(p.parts), p))
    else:
        chosen = min(found, key=lambda p: (-_graded_cells(p, functions), len(p.parts), p))
    notes = []
    if chosen.name != expected:
        notes.append(f"Graded {chosen.name} (expected the name {expected}).")
    if len(found) > 1:
        notes.append(
            f"Also submitted, not graded: {', '.join(p.name for p in found if p != chosen)}."
        )
    return chosen, notes


def _student_folder(
    name: str, folder: Path, assignment: str, functions: Collection[str]
) -> Submission:
    """One student's nbgrader folder submitted/<name>/<assignment>/ -> their submission; one
    without a notebook still gets a result: an empty, unreadable submission."""
    nb, notes = pick_notebook(folder, assignment, functions)
    return Submission(name, nb or folder / f"{assignment}.ipynb", notes=tuple(notes))


def _from_folder(folder: Path, assignment: str, functions: Collection[str]) -> list[Submission]:
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    if (folder / assignment).is_dir() and not any(folder.glob("*.ipynb")):  # one student's folder
        nb, notes = pick_notebook(folder / assignment, assignment, functions)
        return [Submission(folder.name, nb, notes=tuple(notes))] if nb else []
    nbgrader = [d for d in sorted(folder.iterdir()) if (d / assignment).is_dir()]
    if nbgrader:
        return [_student_folder(d.name, d / assignment, assignment, functions) for d in nbgrader]
    return [
        Submission(p.stem, p) for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith(".")
    ]


def collect(
    paths: list[Path], assignment: str, functions: Collection[str] = ()
) -> list[Submission]:
    """The submissions the paths hold; `functions` (the graded ones) pick among a student's
    several notebooks (`pick_notebook`)."""
    subs: list[Submission] = []
    for path in paths:
        if path.is_dir():
            found = _from_folder(path, assignment, functions)
            if not found:
                raise CollectError(
                    f"{path}: no .ipynb files, and no nbgrader submitted/<student>/{assignment}/ folders"
                )
            subs += found
        elif path.exists():
            subs.append(
                Submission(path.stem, path)
            )  # graded even if it is not a notebook: it gets a clear result
        else:
            raise CollectError(f"{path}: no such file or folder")
    seen: dict[str, Submission] = {}
    for s in subs:
        first = seen.setdefault(s.student, s)
        if first.path != s.path:
            raise CollectError(
                f"two submissions for student {ascii(s.original)}: {ascii(str(first.path))} and "
                f"{ascii(str(s.path))}; grade them separately or rename one"
            )
    return list(seen.values())
