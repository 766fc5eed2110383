"""`dlnlp new ASSIGNMENT`: scaffold an assignment that `dlnlp check` passes at once, and
`dlnlp new ASSIGNMENT --function NAME`: add one graded function to an existing assignment.

A new assignment: assignments/<id>/<id>.ipynb (fixed cell ids, so the build is reproducible), the
reference solutions/<id>.py, the hidden tests autograder/<id>/ (inputs.py, mistakes.py,
test_softmax.py), the catalogue (author/minimums.py's ten mutants and three alternatives), its
entry in grader_config.yaml, and its release (nbgrader). A new function: its section, stub and
check cell after the last check cell, its reference appended to solutions/<id>.py, its test file,
a mutant, an alternative, its config entry, the release rebuilt. grader_config.yaml is edited
with ruamel.yaml (author/config_edit.py): comments stay. All or nothing (author/edits.py).
"""

from __future__ import annotations

import importlib.machinery
import json
import keyword
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlnlp.author import config_edit
from dlnlp.author import scaffold as s
from dlnlp.author.edits import Edits
from dlnlp.build.splice import HELPER_ID, VISIBLE_CHECKS_PLACEHOLDER
from dlnlp.config import ConfigError, load_config
from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.notebook import grade_id


class NewError(DlnlpError):
    """The assignment cannot be scaffolded as asked; the message says why and what to do."""


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    meta |= {"solution": solution, "task": False}
    return {"nbgrader": meta | ({"points": points} if points is not None else {})}


def _written_cells() -> list[nbformat.NotebookNode]:
    cells = []
    for gid, question, answer in s.WRITTEN:
        cell_id = gid.replace("_", "-")
        cells += [
            new_markdown_cell(
                question,
                id=f"{cell_id}-question",
                metadata=_nbgrader(f"{gid}_question", locked=True),
            ),
            new_markdown_cell(
                answer, id=cell_id, metadata=_nbgrader(gid, solution=True, grade=True, points=1)
            ),
        ]
    return cells


def _function_cells(fn: str, section: str, stub: str, check: str, points: int) -> list:
    """A graded function's section, stub (its solution region) and locked check cell."""
    return [
        new_markdown_cell(section, id=f"md-{fn}"),
        new_code_cell(stub, id=fn, metadata=_nbgrader(fn, solution=True)),
        new_code_cell(
            check.strip(),
            id=f"check-{fn}",
            metadata=_nbgrader(f"check_{fn}", grade=True, locked=True, points=points),
        ),
    ]


def notebook(a: str, title: str) -> nbformat.NotebookNode:
    """The authored notebook: intro, imports, the visible_checks helper, the example function's
    section, stub and check cell, the written questions and their model answers."""
    cells = [
        new_markdown_cell(s.INTRO.format(title=title), id="intro"),
        new_code_cell(s.IMPORTS, id="imports"),
        new_code_cell(
            VISIBLE_CHECKS_PLACEHOLDER,
            id="visible-checks",
            metadata=_nbgrader(HELPER_ID, locked=True),
        ),
        *_function_cells(s.FUNCTION, s.SECTION, s.STUB.format(a=a), s.CHECK, s.POINTS),
        *_written_cells(),
    ]
    meta = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return new_notebook(cells=cells, metadata=meta)


def files(course: Course, a: str) -> dict[Path, str]:
    """Every file of the scaffold but the notebook: path -> text."""
    tests = course.hidden_tests(a)
    out = {
        course.solution(a): s.SOLUTION.format(a=a),
        tests / "__init__.py": "",
        tests / "inputs.py": s.INPUTS.format(a=a),
        tests / "mistakes.py": s.MISTAKES.format(a=a),
        course.hidden_test_file(a, s.FUNCTION): s.TEST,
    }
    out |= {course.mutants_dir(a) / f"{name}.py": text for name, text in s.MUTANTS.items()}
    out |= {course.alternatives_dir(a) / f"{n}.py": text for n, text in s.ALTERNATIVES.items()}
    return out


def _library(name: str) -> bool:
    """Is `name` a module on sys.path that is not some course's hidden-test package?"""
    spec = importlib.machinery.PathFinder.find_spec(name)  # not sys.modules: a graded id is there
    if spec is None:
        return False
    where = spec.origin or next(iter(spec.submodule_search_locations or []), "")
    return "autograder" not in Path(where).parts


def refuse_identifier(name: str, what: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise NewError(
            f"{name!r} is not a Python identifier: a {what} uses letters, digits and _ "
            "(e.g. rnn_lab, layer_norm)"
        )


def _refuse(course: Course, a: str) -> None:
    """Raise NewError when `a` cannot be a new assignment's id here."""
    refuse_identifier(a, "an assignment id")
    if a in sys.stdlib_module_names or _library(a):
        raise NewError(
            f"{a!r} is the name of an importable module; the hidden tests are imported as the "
            "package of that name and would shadow it: choose another id"
        )
    if a in course.config().assignments:
        raise NewError(f"{course.config_path}: assignment {a!r} exists already; choose another id")
    taken = [p for p in course.material(a) if p.exists()]
    if taken:
        raise NewError(f"{taken[0]} exists already: choose another id, or move it away")


def _validated(course: Course, a: str) -> None:
    """Read the edited config back: the entry must be there and the whole file valid."""
    try:
        config = load_config(course.config_path)
    except ConfigError as e:
        raise NewError(f"the new entry made the config invalid, so it was undone:\n{e}") from None
    if a not in config.assignments:
        raise NewError(f"{course.config_path}: the entry for {a} did not land, so it was undone")


def build(course: Course, a: str, edits: Edits) -> Path | None:
    """Rebuild release/<id>/ (nbgrader, the author extra); None where nbgrader is missing."""
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        return None
    from dlnlp.build.release import build_release

    edits.mkdir(course.release_dir(a))  # a new folder goes again if a later step fails
    return build_release(course, a)


def new_assignment(course: Course, a: str, title: str | None = None) -> list[Path]:
    """Write the scaffold of assignment `a`; return the paths written (the config and the
    release last; the release only where nbgrader is installed)."""
    title = title or f"New assignment: {a}"
    _refuse(course, a)
    texts = files(course, a)
    source = course.source_notebook(a)
    with Edits() as edits:
        edits.remember(source)
        nbformat.write(notebook(a, title), source)
        for path, text in texts.items():
            edits.write(path, text)
        edits.remember(course.config_path)
        entry = s.CONFIG.format(a=a, title_yaml=json.dumps(title))
        config_edit.add_assignment(course.config_path, a, entry)
        _validated(course, a)
        release = build(course, a, edits)
    return [source, *texts, course.config_path, *([release] if release else [])]


def _insert_at(nb: nbformat.NotebookNode) -> int:
    """Where a new function's cells go: after the last check cell (before the written
    questions), else after the visible_checks helper."""
    ids = [grade_id(c) or "" for c in nb.cells]
    checks = [i for i, gid in enumerate(ids) if gid.startswith("check_")]
    if checks:
        return checks[-1] + 1
    return ids.index(HELPER_ID) + 1 if HELPER_ID in ids else len(nb.cells)


def add_function(course: Course, a: str, fn: str) -> list[Path]:
    """Add graded function `fn` (the scaffold's example, a ReLU) to assignment `a`; return the
    paths written."""
    refuse_identifier(fn, "function name")
    if a not in course.config().assignments:
        raise NewError(f"{course.config_path}: no assignment {a!r}; `dlnlp new {a}` makes one")
    if fn in course.config().assignment(a).functions:
        raise NewError(f"{a} grades {fn!r} already; `dlnlp rename {a} OLD NEW` renames one")
    source, solution = course.source_notebook(a), course.solution(a)
    nb = nbformat.read(source, as_version=4)
    taken = {c.get("id") for c in nb.cells} & {f"md-{fn}", fn, f"check-{fn}"}
    catalogue = {
        course.hidden_test_file(a, fn): s.FN_TEST.format(fn=fn),
        course.mutants_dir(a) / f"{fn}_negative_part.py": s.FN_MUTANT.format(fn=fn),
        course.alternatives_dir(a) / f"{fn}_where.py": s.FN_ALTERNATIVE.format(fn=fn),
    }
    exists = [str(p) for p in catalogue if p.exists()] + [f"cell id {t!r}" for t in taken]
    if exists:
        raise NewError(f"{source}: {exists[0]} exists already; choose another name")
    at = _insert_at(nb)
    nb.cells[at:at] = _function_cells(
        fn, s.FN_SECTION.format(fn=fn), s.FN_STUB.format(fn=fn, a=a), s.FN_CHECK.format(fn=fn), 1
    )
    with Edits() as edits:
        edits.remember(source)
        nbformat.write(nb, source)
        edits.write(
            solution, solution.read_text().rstrip("\n") + "\n" + s.FN_SOLUTION.format(fn=fn)
        )
        for path, text in catalogue.items():
            edits.write(path, text)
        edits.remember(course.config_path)
        config_edit.add_function(course.config_path, a, fn, s.FN_CONFIG.format(fn=fn))
        _validated(course, a)
        release = build(course, a, edits)
    return [source, solution, *catalogue, course.config_path, *([release] if release else [])]
