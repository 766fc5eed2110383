"""What run_autograder calls: grade $ROOT/submission/ and write $ROOT/results/results.json.

Tolerates a renamed notebook or extra files; a missing or unreadable notebook still gets a valid
results.json that says what to do. The hidden tests live in $ROOT/source, which student code
cannot read (tmpfs-covered, Landlock, and an unprivileged user).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from dlnlp.course import Course
from dlnlp.grade.batch import grade_submissions
from dlnlp.grade.collect import Submission
from dlnlp.render.gradescope import write_gradescope_json


def pick_notebook(
    folder: Path, assignment: str, functions: list[str]
) -> tuple[Path | None, list[str]]:
    """The submitted notebook, and notes for the student about what was (not) graded."""
    found = (
        sorted(
            p
            for p in folder.rglob("*.ipynb")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        if folder.is_dir()
        else []
    )
    if not found:
        others = sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        listed = f" (found: {', '.join(others[:5])})" if others else ""
        return None, [
            f"No .ipynb notebook was found in your submission{listed}. Upload {assignment}.ipynb."
        ]

    def score(p: Path) -> tuple:
        text = p.read_text(errors="replace")
        return (
            p.name == f"{assignment}.ipynb",
            sum(f'"grade_id": "{fn}"' in text for fn in functions),
            -len(p.parts),
        )

    chosen = max(found, key=score)
    notes = []
    if chosen.name != f"{assignment}.ipynb":
        notes.append(f"Graded {chosen.name} (expected the name {assignment}.ipynb).")
    if len(found) > 1:
        notes.append(
            f"Also submitted, not graded: {', '.join(p.name for p in found if p != chosen)}."
        )
    return chosen, notes


def grade(root: Path, assignment: str) -> dict:
    course = Course(root / "source" / "course")
    config = course.config()
    functions = list(config.assignment(assignment).functions)
    notebook, notes = pick_notebook(root / "submission", assignment, functions)
    out = Path(tempfile.mkdtemp(prefix="dlnlp-gradescope-"))
    try:
        sub = Submission("submission", notebook or root / "submission" / f"{assignment}.ipynb")
        results = grade_submissions(
            course, assignment, [sub], out, extra_secrets=[root / "source", root / "results"]
        )[0]
    finally:
        shutil.rmtree(out, ignore_errors=True)
    data = results.to_gradescope(
        visibility=lambda t: config.visibility(assignment, t.function, t.test),
        default=config.assignment(assignment).gradescope.visibility or config.gradescope.visibility,
    )
    data["output"] = "\n".join([*notes, data["output"]])
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--assignment", required=True)
    args = parser.parse_args(argv)
    write_gradescope_json(grade(args.root, args.assignment), args.root / "results" / "results.json")


if __name__ == "__main__":
    main()
