"""Shared fixtures: the course in this repository, and notebooks built from its reference."""

from __future__ import annotations

import ast
import copy
import functools
from pathlib import Path

import nbformat
import pytest

from dlnlp.build.splice import solved_notebook
from dlnlp.course import Course
from dlnlp.grade.batch import grade_batch
from dlnlp.results import Results

REPO = Path(__file__).resolve().parents[1]
COURSE = Course(REPO)


@pytest.fixture(scope="session")
def course() -> Course:
    return COURSE


@functools.cache
def _solved(assignment: str) -> nbformat.NotebookNode:
    return solved_notebook(COURSE.source_notebook(assignment), COURSE.solution(assignment))


def solved(assignment: str) -> nbformat.NotebookNode:
    """The authored notebook with the reference spliced in: what a perfect student submits."""
    return copy.deepcopy(_solved(assignment))


def release(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(COURSE.release_notebook(assignment), as_version=4)


def split_functions(code: str) -> dict[str, str]:
    """Module source -> {function name: the module's other statements (imports, classes) + that function}."""
    tree = ast.parse(code)
    lines = code.splitlines()
    preamble = [
        ast.get_source_segment(code, n)
        for n in tree.body
        if not isinstance(n, ast.FunctionDef)
        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    return {
        n.name: "\n".join(preamble) + "\n\n\n" + "\n".join(lines[n.lineno - 1 : n.end_lineno])
        for n in tree.body
        if isinstance(n, ast.FunctionDef)
    }


def with_code(assignment: str, code: str) -> nbformat.NotebookNode:
    """The perfect notebook with each function `code` defines replacing that function's cell."""
    nb = solved(assignment)
    replaced = split_functions(code)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and grade_id in replaced:
            cell.source = replaced.pop(grade_id)
    assert not replaced, f"no cell for {sorted(replaced)}"
    return nb


def grade_notebooks(
    assignment: str, notebooks: dict[str, nbformat.NotebookNode | bytes], folder: Path
) -> dict[str, Results]:
    """Write each notebook as <student>.ipynb under folder/in and grade them in one batch."""
    subs = folder / "in"
    subs.mkdir(parents=True, exist_ok=True)
    for student, nb in notebooks.items():
        path = subs / f"{student}.ipynb"
        path.write_bytes(nb) if isinstance(nb, bytes) else nbformat.write(nb, path)
    return {r.student: r for r in grade_batch(COURSE, assignment, [subs], folder / "out")}


def function_scores(r: Results) -> dict[str, float]:
    return {f.name: f.score for f in r.functions}


def full_marks(r: Results) -> dict[str, float]:
    return {f.name: f.max_score for f in r.functions}
