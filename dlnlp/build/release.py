"""Build release/<id>/<id>.ipynb with nbgrader's own generate_assignment (its CLI, --no-db).

The solved notebook is written into a temporary nbgrader course (source/<id>/), nbgrader strips
solutions and locks the test cells, and the result is copied into release/. The visible-check
cell of each function (grade_id `check_<function>`) carries the function's points from
grader_config.yaml, so nbgrader's auto-graded totals match ours (nbgrader's totals also count the
written answers, which are graded by hand). Byte-for-byte reproducible: cell ids are
fixed in the authored notebook and nothing else varies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from dlnlp.build.data_zip import data_zip_name, write_data_zip
from dlnlp.build.splice import solved_notebook
from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.notebook import grade_id, nbgrader_meta


class BuildError(DlnlpError):
    pass


def nbgrader(*args: str, root: Path) -> subprocess.CompletedProcess:
    """Run nbgrader's CLI on the course folder `root` (the venv's bin on PATH: nbgrader runs alembic)."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            *args,
            f"--CourseDirectory.root={root}",
            "--log-level=WARN",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )


def nbgrader_source(course: Course, assignment: str) -> nbformat.NotebookNode:
    """The notebook nbgrader builds from: the reference spliced in, check cells worth the points."""
    functions = course.config().assignment(assignment).functions
    source = course.source_notebook(assignment)
    if not source.is_file():
        raise BuildError(f"{source}: the authored notebook for {assignment} is missing")
    nb = solved_notebook(source, course.solution(assignment), list(functions))
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        fn = (grade_id(cell) or "").removeprefix("check_")
        if meta.get("grade") and fn in functions:
            meta["points"] = functions[fn].points
    return nb


def generate(course: Course, assignment: str, root: Path, *db: str) -> Path:
    """Write the nbgrader source into the course folder `root` (source/<id>/), with <id>_data.zip
    when the assignment has data/, and run nbgrader's generate_assignment there.
    -> root/release/<id>/<id>.ipynb. `db`: e.g. "--no-db"."""
    nb = nbgrader_source(course, assignment)
    src = root / "source" / assignment / f"{assignment}.ipynb"
    if src.parent.exists():  # the source is generated: nothing stale may stay
        shutil.rmtree(src.parent)
    # the assignment's other files (e.g. data/) go along: nbgrader copies them into the release
    shutil.copytree(course.source_notebook(assignment).parent, src.parent)
    if (src.parent / "data").is_dir():  # for a notebook opened away from data/ (e.g. Colab)
        write_data_zip(src.parent / "data", src.parent / data_zip_name(assignment))
    nbformat.write(nb, src)
    proc = nbgrader("generate_assignment", assignment, "--force", *db, root=root)
    built = root / "release" / assignment / f"{assignment}.ipynb"
    if proc.returncode != 0 or not built.is_file():
        raise BuildError(
            f"nbgrader generate_assignment {assignment} failed in {root}:\n{proc.stdout}{proc.stderr}"
        )
    return built


def build_release(course: Course, assignment: str) -> Path:
    target = course.release_notebook(assignment)
    with tempfile.TemporaryDirectory(prefix="dlnlp-build-") as tmp:
        built = generate(course, assignment, Path(tmp), "--no-db")
        if target.parent.exists():  # release/<id>/ is generated: nothing stale may stay
            shutil.rmtree(target.parent)
        shutil.copytree(built.parent, target.parent)
    return target
