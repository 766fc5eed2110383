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
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.errors import DlnlpError

# ASCII letters, digits, "_" first (no hidden ".x", no "-x" option, no "=x" formula), then also
# ".", "@", "-" (e-mail-like nbgrader ids stay as they are); bounded so a path stays short
SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@-]{0,63}")
# the batch's own files and folders in OUT (compared case-folded: some file systems fold case)
RESERVED = frozenset({"grades.csv", "grading.log", "student-ids.csv", "report"})


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "original", self.original or self.student)
        object.__setattr__(self, "student", student_id(self.original))


def _pick_notebook(folder: Path, assignment: str) -> Path | None:
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    preferred = folder / f"{assignment}.ipynb"
    return preferred if preferred in notebooks else (notebooks[0] if notebooks else None)


def _from_folder(folder: Path, assignment: str) -> list[Submission]:
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    if (folder / assignment).is_dir() and not any(folder.glob("*.ipynb")):  # one student's folder
        nb = _pick_notebook(folder / assignment, assignment)
        return [Submission(folder.name, nb)] if nb else []
    nbgrader = [d for d in sorted(folder.iterdir()) if (d / assignment).is_dir()]
    if nbgrader:
        found = []
        for student_dir in nbgrader:
            nb = _pick_notebook(student_dir / assignment, assignment)
            # a student folder without a notebook still gets a result: an empty, unreadable submission
            found.append(
                Submission(student_dir.name, nb or student_dir / assignment / f"{assignment}.ipynb")
            )
        return found
    return [
        Submission(p.stem, p) for p in sorted(folder.glob("*.ipynb")) if not p.name.startswith(".")
    ]


def collect(paths: list[Path], assignment: str) -> list[Submission]:
    subs: list[Submission] = []
    for path in paths:
        if path.is_dir():
            found = _from_folder(path, assignment)
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
