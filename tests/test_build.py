"""Is the committed release exactly what nbgrader builds from the authored notebook and the
reference, and does it hold no solution code and no hidden test?"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import COURSE, release
from dlnlp import notebook
from dlnlp.build import visible_checks
from dlnlp.build.fill import fill, split_functions
from dlnlp.build.release import build_release
from dlnlp.build.splice import (
    HELPER_ID,
    VISIBLE_CHECKS_PLACEHOLDER,
    SpliceError,
    solved_notebook,
    visible_checks_source,
)
from dlnlp.course import Course

ASSIGNMENTS = list(COURSE.config().assignments)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Course:
    """A copy of the course whose release/ is rebuilt from scratch."""
    root = tmp_path_factory.mktemp("course")
    for part in ("assignments", "solutions", "autograder"):
        shutil.copytree(COURSE.root / part, root / part)
    shutil.copy(COURSE.config_path, root / "grader_config.yaml")
    course = Course(root)
    for a in ASSIGNMENTS:
        build_release(course, a)
    return course


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_current(rebuilt, assignment):
    """Does a rebuild reproduce the committed release byte for byte? (if not: `make release`)"""
    assert (
        rebuilt.release_notebook(assignment).read_bytes()
        == COURSE.release_notebook(assignment).read_bytes()
    )


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers of docstrings: contracts the release states on purpose, not solution code."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(
            node
        ):
            doc = node.body[0]
            lines.update(range(doc.lineno, doc.end_lineno + 1))
    return lines


def _code_lines(path: Path) -> set[str]:
    text = path.read_text()
    docs = _docstring_lines(ast.parse(text))
    return {
        line.strip()
        for number, line in enumerate(text.splitlines(), start=1)
        if number not in docs
        and line.strip()
        and not line.strip().startswith(
            ("#", '"""', "import ", "from ", "def ", "class ", "return")
        )
        and len(line.strip()) > 12
    }


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_solution_line(assignment):
    release = nbformat.read(COURSE.release_notebook(assignment), as_version=4)
    code = {
        line.strip()
        for c in release.cells
        if c.cell_type == "code"
        for line in c.source.splitlines()
    }
    # a line the authored notebook itself gives outside the solution cells (a given model's
    # `self.tok_emb = nn.Embedding(...)`) is public by the author's choice, not a leak
    source = nbformat.read(COURSE.source_notebook(assignment), as_version=4)
    given = {
        line.strip()
        for c in source.cells
        if c.cell_type == "code" and not notebook.is_solution(c)
        for line in c.source.splitlines()
    }
    leaked = (_code_lines(COURSE.solution(assignment)) & code) - given
    assert not leaked, leaked


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_hidden_test(assignment):
    text = COURSE.release_notebook(assignment).read_text()
    assert "BEGIN HIDDEN TESTS" not in text
    for path in COURSE.hidden_tests(assignment).glob("test_*.py"):
        leaked = [line for line in _code_lines(path) if line in text]
        assert not leaked, f"{path.name}: {leaked[:3]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_stubs_every_graded_function(assignment):
    """Is each graded function an nbgrader solution cell whose grade_id is its name, stubbed out,
    followed by a locked visible-check cell worth the function's points?"""
    release = nbformat.read(COURSE.release_notebook(assignment), as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    for fn, cfg in COURSE.config().assignment(assignment).functions.items():
        assert (
            cells[fn].metadata.nbgrader["solution"]
            and "raise NotImplementedError()" in cells[fn].source
        )
        check = cells[f"check_{fn}"].metadata.nbgrader
        assert check["locked"] and check["grade"] and check["points"] == cfg.points


def test_splice_rejects_a_changed_signature(tmp_path):
    source = COURSE.source_notebook("attention")
    solution = tmp_path / "attention.py"
    solution.write_text(
        COURSE.solution("attention")
        .read_text()
        .replace("def causal_mask(L):", "def causal_mask(L, device=None):")
    )
    with pytest.raises(SpliceError, match="causal_mask's signature differs"):
        solved_notebook(source, solution)


def test_splice_rejects_a_function_without_reference(tmp_path):
    solution = tmp_path / "attention.py"
    text = COURSE.solution("attention").read_text()
    solution.write_text(text.replace("def causal_mask(L):", "def causal_mask_(L):"))
    with pytest.raises(SpliceError, match="'causal_mask' has no function of that name"):
        solved_notebook(COURSE.source_notebook("attention"), solution)


def _by_grade_id(nb: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}


def test_fill_sets_written_answers_by_grade_id():
    """Does `fill(..., written=)` put each answer into its markdown answer cell, and only there?"""
    nb = release("attention")
    filled = _by_grade_id(fill(nb, written={"written_scaling": "Var(q.k) = $d_k$."}))
    assert filled["written_scaling"].source == "Var(q.k) = $d_k$."
    assert filled["written_causal_mask"].source == "YOUR ANSWER HERE"  # not answered
    assert _by_grade_id(nb)["written_scaling"].source == "YOUR ANSWER HERE"  # a copy was filled
    with pytest.raises(KeyError, match="no written answer cell for \\['written_nope'\\]"):
        fill(nb, written={"written_nope": "an answer"})
    with pytest.raises(KeyError, match="causal_mask"):  # a code cell is not a written answer
        fill(nb, written={"causal_mask": "an answer"})


def test_fill_keeps_a_functions_decorators():
    """Does a filled function keep its decorators (`@torch.no_grad()` is part of what it does)?"""
    code = "import torch\n\n\n@torch.no_grad()\n@staticmethod\ndef f(x):\n    return x\n"
    assert split_functions(code)["f"].endswith(
        "@torch.no_grad()\n@staticmethod\ndef f(x):\n    return x"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_helper_cell_is_the_one_source(assignment):
    """Is the release's visible_checks cell exactly dlnlp/build/visible_checks.py's code, and
    does the authored notebook hold only the placeholder (no copy to drift)?"""
    released = _by_grade_id(release(assignment))[HELPER_ID]
    assert released.source == visible_checks_source()
    assert "def visible_checks(name):" in released.source
    authored = nbformat.read(COURSE.source_notebook(assignment), as_version=4)
    assert _by_grade_id(authored)[HELPER_ID].source == VISIBLE_CHECKS_PLACEHOLDER


def test_helper_source_is_the_module_that_runs():
    """Is the cell's code the module's own code (its docstring aside), so that what ruff and the
    tests import is what the student runs?"""
    code = visible_checks_source()
    assert '"""The `visible_checks` helper' not in code
    namespace: dict = {}
    exec(compile(code, "<visible_checks cell>", "exec"), namespace)
    assert namespace["visible_checks"].__doc__ == visible_checks.visible_checks.__doc__


def _without_helper_cell(tmp_path: Path, source: str | None) -> Path:
    """A copy of attention's authored notebook whose helper cell is gone (None) or holds `source`."""
    nb = nbformat.read(COURSE.source_notebook("attention"), as_version=4)
    if source is None:
        nb.cells = [
            c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != HELPER_ID
        ]
    else:
        _by_grade_id(nb)[HELPER_ID].source = source
    path = tmp_path / "attention.ipynb"
    nbformat.write(nb, path)
    return path


def test_splice_rejects_a_notebook_without_the_helper_cell(tmp_path):
    """Does a notebook without the helper cell get an error naming the file and the fix?"""
    path = _without_helper_cell(tmp_path, None)
    with pytest.raises(SpliceError) as e:
        solved_notebook(path, COURSE.solution("attention"))
    assert str(path) in str(e.value) and "no visible_checks helper cell" in str(e.value)
    assert VISIBLE_CHECKS_PLACEHOLDER in str(e.value)  # the fix: the line to put in it


def test_splice_rejects_code_in_the_helper_cell(tmp_path):
    """Is an edited copy of the helper in the authored notebook refused (it would be lost),
    pointing at the file to edit instead?"""
    path = _without_helper_cell(tmp_path, "def visible_checks(name):\n    pass")
    with pytest.raises(SpliceError, match="edit that file"):
        solved_notebook(path, COURSE.solution("attention"))
