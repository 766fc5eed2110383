"""Command-line paths -> the submissions to grade, one per student.

Accepted: .ipynb files (student = file stem), folders of them, and nbgrader's layout
`submitted/<student>/<assignment>/*.ipynb` (student = the folder), given as the course folder,
its `submitted/` folder, or a student's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CollectError(Exception):
    """The paths given cannot be graded as they are; the message says which and why."""


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path

    def __post_init__(self) -> None:
        # the id names the student's output folder: a file called "...ipynb" must not write to ".."
        safe = self.student.replace("/", "_").replace("\\", "_").lstrip(".") or "unnamed"
        object.__setattr__(self, "student", safe)


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
    seen: dict[str, Path] = {}
    for s in subs:
        if s.student in seen and seen[s.student] != s.path:
            raise CollectError(
                f"two submissions for student {s.student!r}: {seen[s.student]} and {s.path}; "
                "grade them separately or rename one"
            )
        seen[s.student] = s.path
    return list({s.student: s for s in subs}.values())
