"""`dlnlp new ASSIGNMENT`: scaffold an assignment that `dlnlp check` passes at once.

Writes assignments/<id>/<id>.ipynb (fixed cell ids, so the build is reproducible), the reference
solutions/<id>.py, the hidden tests autograder/<id>/ (inputs.py, mistakes.py, test_softmax.py),
one mutant and one alternative under tests/, and appends the assignment's entry to
grader_config.yaml as text (its comments stay). All or nothing: on any error every file written
is removed and the config restored.
"""

from __future__ import annotations

import importlib.machinery
import json
import keyword
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dlnlp.author import scaffold as s
from dlnlp.build.splice import HELPER_ID, VISIBLE_CHECKS_PLACEHOLDER
from dlnlp.config import ConfigError, load_config
from dlnlp.course import Course
from dlnlp.errors import DlnlpError


class NewError(DlnlpError):
    """The assignment cannot be scaffolded as asked; the message says why and what to do."""


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
    meta |= {"solution": solution, "task": False}
    return {"nbgrader": meta | ({"points": points} if points is not None else {})}


def notebook(a: str, title: str) -> nbformat.NotebookNode:
    """The authored notebook: intro, imports, the visible_checks helper, the example function's
    section, stub and check cell, a written question and its model answer."""
    fn, q = s.FUNCTION, f"written_{s.FUNCTION}"
    cells = [
        new_markdown_cell(s.INTRO.format(title=title), id="intro"),
        new_code_cell(s.IMPORTS, id="imports"),
        new_code_cell(
            VISIBLE_CHECKS_PLACEHOLDER,
            id="visible-checks",
            metadata=_nbgrader(HELPER_ID, locked=True),
        ),
        new_markdown_cell(s.SECTION, id=f"md-{fn}"),
        new_code_cell(s.STUB.format(a=a), id=fn, metadata=_nbgrader(fn, solution=True)),
        new_code_cell(
            s.CHECK.strip(),
            id=f"check-{fn}",
            metadata=_nbgrader(f"check_{fn}", grade=True, locked=True, points=s.POINTS),
        ),
        new_markdown_cell(
            s.QUESTION,
            id=f"written-{fn}-question",
            metadata=_nbgrader(f"{q}_question", locked=True),
        ),
        new_markdown_cell(
            s.ANSWER,
            id=f"written-{fn}",
            metadata=_nbgrader(q, solution=True, grade=True, points=1),
        ),
    ]
    meta = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return new_notebook(cells=cells, metadata=meta)


def files(course: Course, a: str) -> dict[Path, str]:
    """Every file of the scaffold but the notebook: path -> text."""
    tests = course.hidden_tests(a)
    return {
        course.solution(a): s.SOLUTION.format(a=a),
        tests / "__init__.py": "",
        tests / "inputs.py": s.INPUTS.format(a=a),
        tests / "mistakes.py": s.MISTAKES.format(a=a),
        tests / f"test_{s.FUNCTION}.py": s.TEST,
        course.root / "tests" / "mutants" / a / f"{s.FUNCTION}_wrong_dim.py": s.MUTANT,
        course.root / "tests" / "alternatives" / a / "logsumexp.py": s.ALTERNATIVE,
    }


def _library(name: str) -> bool:
    """Is `name` a module on sys.path that is not some course's hidden-test package?"""
    spec = importlib.machinery.PathFinder.find_spec(name)  # not sys.modules: a graded id is there
    if spec is None:
        return False
    where = spec.origin or next(iter(spec.submodule_search_locations or []), "")
    return "autograder" not in Path(where).parts


def _refuse(course: Course, a: str, paths: list[Path]) -> None:
    """Raise NewError when `a` cannot be a new assignment's id here."""
    if not a.isidentifier() or keyword.iskeyword(a):
        raise NewError(
            f"{a!r} is not a Python identifier: use letters, digits and _ (e.g. rnn_lab)"
        )
    if a in sys.stdlib_module_names or _library(a):
        raise NewError(
            f"{a!r} is the name of an importable module; the hidden tests are imported as the "
            "package of that name and would shadow it: choose another id"
        )
    if a in course.config().assignments:
        raise NewError(f"{course.config_path}: assignment {a!r} exists already; choose another id")
    taken = [p for p in paths if p.exists()]
    if taken:
        raise NewError(f"{taken[0]} exists already: choose another id, or move it away")


def _append_config(course: Course, a: str, title: str) -> str:
    """Append the entry under `assignments:` (the file's last section) as text; return the old
    text. The indent follows the file's own assignment entries."""
    text = course.config_path.read_text()
    found = re.search(r"^assignments:[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\n)*( +)\S", text, re.M)
    entry = s.CONFIG.format(a=a, title_yaml=json.dumps(title))
    if found and found.group(1) != "  ":
        entry = re.sub(r"^  ", found.group(1), entry, flags=re.M)  # only the first level differs
    course.config_path.write_text(text.rstrip("\n") + "\n" + entry)
    return text


def new_assignment(course: Course, a: str, title: str | None = None) -> list[Path]:
    """Write the scaffold of assignment `a`; return the paths written (the config last)."""
    title = title or f"New assignment: {a}"
    texts = files(course, a)
    source = course.source_notebook(a)
    written = [source, *texts]
    catalogue = [course.root / "tests" / kind / a for kind in ("mutants", "alternatives")]
    _refuse(course, a, [source.parent, course.hidden_tests(a), course.solution(a), *catalogue])
    # every file and folder this makes: on an error, removing them leaves the course as it was
    fresh = {
        p for t in written for p in (t, *t.parents) if course.root in p.parents and not p.exists()
    }
    old_config = None
    try:
        source.parent.mkdir(parents=True)
        nbformat.write(notebook(a, title), source)
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        old_config = _append_config(course, a, title)
        if a not in load_config(course.config_path).assignments:
            raise NewError(
                f"{course.config_path}: the entry for {a} did not land under `assignments:`, "
                "which must be the file's last section; add it there by hand:\n" + s.CONFIG
            )
    except Exception as e:  # nothing half-written stays behind, whatever went wrong
        for path in sorted(fresh, key=lambda p: len(p.parts)):  # a folder before its files
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        if old_config is not None:
            course.config_path.write_text(old_config)
        if isinstance(e, ConfigError):
            raise NewError(
                f"the new entry made the config invalid, so it was undone:\n{e}"
            ) from None
        raise
    return [*written, course.config_path]
