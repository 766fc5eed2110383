"""Code -> a submission notebook: put each function a piece of code defines into the cell whose
nbgrader grade_id is that function's name, and each written answer into its markdown cell. Makes
the sample submissions, the kit's mutant and adversarial notebooks, and the benchmark's class."""

from __future__ import annotations

import ast
import copy
from collections.abc import Collection
from typing import TypeGuard

import nbformat

from dlnlp.notebook import grade_id, is_solution
from dlnlp.parsing import parse


def _segment(code: str, node: ast.stmt) -> str:
    """`node`'s source text in `code`, the module it was parsed from."""
    text = ast.get_source_segment(code, node)
    if text is None:  # never for a statement parsed from `code`: it has its positions
        raise ValueError(f"no source positions for the statement at line {node.lineno}")
    decorators = getattr(node, "decorator_list", [])
    if decorators:  # a def's segment starts at `def`: its decorators (@torch.no_grad()) come first
        lines = code.splitlines(keepends=True)
        text = "".join(lines[decorators[0].lineno - 1 : node.lineno - 1]) + text
    return text


def split_functions(code: str, classes: Collection[str] = frozenset()) -> dict[str, str]:
    """Module source -> {function: the module's other statements (imports, classes) + that function}.

    A class named in `classes` (a graded class, with its own cell) is an item like a function."""
    tree = parse(code)

    def item(n: ast.stmt) -> TypeGuard[ast.FunctionDef | ast.ClassDef]:
        return isinstance(n, ast.FunctionDef) or (isinstance(n, ast.ClassDef) and n.name in classes)

    preamble = [
        _segment(code, n)
        for n in tree.body
        if not item(n)
        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))  # docstrings
    ]
    return {
        n.name: "\n".join(preamble) + "\n\n\n" + _segment(code, n) for n in tree.body if item(n)
    }


def fill(
    nb: nbformat.NotebookNode,
    *codes: str,
    raw: dict[str, str] | None = None,
    written: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """A copy of `nb` with each function the `codes` define in its solution cell; `raw` sets a
    cell's text as is (e.g. a syntax error); `written` sets the answers to written questions
    (markdown solution cells) by grade_id. Raises KeyError for a function or an answer without
    a cell."""
    nb = copy.deepcopy(nb)
    ids = (grade_id(cell) for cell in nb.cells if is_solution(cell))
    cells = {gid for gid in ids if gid is not None}
    answers: dict[str, str] = {}
    for code in codes:
        answers |= split_functions(code, cells)
    answers |= raw or {}
    texts = dict(written or {})
    for cell in nb.cells:
        gid = grade_id(cell)
        if not is_solution(cell) or gid is None:
            continue
        if cell.get("cell_type") == "markdown" and gid in texts:
            cell.source = texts.pop(gid)
        elif gid in answers:
            cell.source = answers.pop(gid)
    if answers:
        raise KeyError(f"no solution cell for {sorted(answers)}")
    if texts:
        raise KeyError(f"no written answer cell for {sorted(texts)}")
    return nb
