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
from dlnlp.grade.collect import Submission, pick_notebook
from dlnlp.render.gradescope import write_gradescope_json


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
