"""`dlnlp gradescope ID` -> dist/ID-autograder.zip, Gradescope's autograder format.

Zip root: setup.sh and run_autograder (from dlnlp/gradescope/files/), kit/ (this package, to be
pip-installed by setup.sh), course/ (grader_config.yaml, the hidden tests of this assignment, the
assignment folder's data files the hidden tests train on,
ASSIGNMENT and TORCH_INDEX_URL). No solutions: the hidden tests compare against torch itself.
The zip is reproducible: sorted entries, fixed timestamps and modes.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

from dlnlp.course import Course, material_files
from dlnlp.grade.assignment import Assignment

_EPOCH = (1980, 1, 1, 0, 0, 0)


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


# what each Gradescope visibility means for a student, as `dlnlp gradescope` says it
_WHEN = {
    "visible": "as soon as they submit",
    "after_due_date": "after the due date",
    "after_published": "once you publish the grades",
    "hidden": "never",
}


def what_students_see(course: Course, assignment: str) -> list[str]:
    """When a student sees each of the assignment's checks on Gradescope, in a few lines."""
    config = course.config()
    tests = Assignment.load(course, assignment).tests
    by_when: dict[str, list[str]] = {}
    for t in tests:
        by_when.setdefault(config.visibility(assignment, t.function, t.test), []).append(t.test)
    lines = []
    for vis, names in sorted(by_when.items(), key=lambda kv: list(_WHEN).index(kv[0])):
        listed = f" ({', '.join(names)})" if len(names) <= 3 and len(by_when) > 1 else ""
        lines.append(
            f"students see {len(names)} of {len(tests)} checks {_WHEN[vis]} [{vis}]{listed}"
        )
    if set(by_when) != {"visible"}:
        lines.append(
            "the total is shown once every check is: before that, only the visible checks' points"
        )
    return lines


def build_zip(course: Course, assignment: str, out_dir: Path) -> Path:
    config = course.config()
    tests = Assignment.load(course, assignment).test_dir  # an unknown id, no hidden tests: said
    kit = Path(__file__).resolve().parents[2]  # the folder holding pyproject.toml and dlnlp/
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{assignment}-autograder.zip"
    files = resources.files("dlnlp.gradescope").joinpath("files")
    with zipfile.ZipFile(target, "w") as zf:
        for script in ("setup.sh", "run_autograder"):
            _add(zf, script, files.joinpath(script).read_bytes(), executable=True)
        for name in ("pyproject.toml", "README.md"):
            _add(zf, f"kit/{name}", (kit / name).read_bytes())
        for path in material_files(kit / "dlnlp"):
            _add(
                zf,
                f"kit/{path.relative_to(kit).as_posix()}",
                path.read_bytes(),
                executable=path.stat().st_mode & 0o111 != 0,
            )
        _add(zf, "course/grader_config.yaml", course.config_path.read_bytes())
        _add(zf, "course/ASSIGNMENT", f"{assignment}\n".encode())
        _add(zf, "course/TORCH_INDEX_URL", f"{config.gradescope.torch_index_url}\n".encode())
        source = course.source_notebook(assignment).parent
        # data the hidden tests train on (the notebook stays out)
        for path in material_files(source):
            if path.suffix != ".ipynb":
                _add(
                    zf,
                    f"course/assignments/{assignment}/{path.relative_to(source).as_posix()}",
                    path.read_bytes(),
                )
        for path in material_files(tests):
            _add(
                zf,
                f"course/autograder/{assignment}/{path.relative_to(tests).as_posix()}",
                path.read_bytes(),
            )
    return target
