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
from dlnlp.grade.assignment import Assignment
from dlnlp.grade.batch import grade_submissions
from dlnlp.grade.collect import Submission, pick_notebook
from dlnlp.render.gradescope import gradescope_dict, write_gradescope_json


def grade(root: Path, assignment: str) -> dict:
    course = Course(root / "source" / "course")
    config = course.config()
    a = Assignment.load(course, assignment)
    notebook, notes = pick_notebook(root / "submission", assignment, a.functions)
    out = Path(tempfile.mkdtemp(prefix="dlnlp-gradescope-"))
    try:
        chosen = notebook or root / "submission" / f"{assignment}.ipynb"
        sub = Submission("submission", chosen, notes=tuple(notes))
        secrets = [root / "source", root / "results"]
        results = grade_submissions(a, [sub], out, extra_secrets=secrets)[0]
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return gradescope_dict(
        results,
        visibility=lambda t: config.visibility(assignment, t.function, t.test),
        default=config.assignment(assignment).gradescope.visibility or config.gradescope.visibility,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--assignment", required=True)
    args = parser.parse_args(argv)
    write_gradescope_json(grade(args.root, args.assignment), args.root / "results" / "results.json")


if __name__ == "__main__":
    main()
