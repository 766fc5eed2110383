"""solutions/<id>.py + assignments/<id>/<id>.ipynb -> the solved source notebook.

The authored notebook holds each graded function's signature and docstring, with an empty
`### BEGIN SOLUTION` / `### END SOLUTION` region; the reference body (docstring dropped) is
spliced into that region. solutions/ stays the one place solution code lives.
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


class SpliceError(Exception):
    """Notebook and reference disagree; the message names the file, the function and the fix."""


def reference_bodies(solution: Path) -> dict[str, tuple[ast.FunctionDef, str]]:
    """Top-level functions of the reference: name -> (def node, body source without docstring)."""
    source = solution.read_text()
    lines = source.splitlines()
    out = {}
    for node in ast.parse(source, str(solution)).body:
        if isinstance(node, ast.FunctionDef):
            body = node.body
            start = (
                body[0].end_lineno
                if ast.get_docstring(node) is not None and len(body) > 1
                else body[0].lineno - 1
            )
            if ast.get_docstring(node) is not None and len(body) == 1:
                raise SpliceError(f"{solution}: {node.name} has only a docstring")
            out[node.name] = (
                node,
                textwrap.dedent("\n".join(lines[start : node.end_lineno])).strip("\n"),
            )
    return out


def _signature(node: ast.FunctionDef) -> str:
    return ast.dump(node.args, annotate_fields=False, include_attributes=False)


def splice_cell(
    source: str, function: str, reference: tuple[ast.FunctionDef, str], where: str
) -> str:
    """Replace the solution region of one cell with the reference body, at the marker's indent."""
    lines = source.splitlines()
    try:
        begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN)
        end = next(i for i, line in enumerate(lines) if line.strip() == END and i > begin)
    except StopIteration:
        raise SpliceError(
            f"{where}: the cell of {function} needs a {BEGIN!r} ... {END!r} region"
        ) from None
    indent = re.match(r"\s*", lines[begin]).group(0)
    solved = lines[: begin + 1] + textwrap.indent(reference[1], indent).splitlines() + lines[end:]
    text = "\n".join(solved)
    try:
        cell_def = next(
            n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == function
        )
    except (SyntaxError, StopIteration):
        raise SpliceError(
            f"{where}: the cell of {function} does not define {function} once spliced"
        ) from None
    if _signature(cell_def) != _signature(reference[0]):
        raise SpliceError(
            f"{where}: {function}'s signature differs from the reference in solutions/; make them match"
        )
    return text


def solved_notebook(
    source: Path, solution: Path, functions: list[str] | None = None
) -> nbformat.NotebookNode:
    """The authored notebook with every graded function's reference spliced in."""
    nb = copy.deepcopy(nbformat.read(source, as_version=4))
    refs = reference_bodies(solution)
    seen = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        fn = meta.get("grade_id")
        if fn not in refs:
            raise SpliceError(
                f"{source}: solution cell {fn!r} has no function of that name in {solution}"
            )
        cell.source = splice_cell(cell.source, fn, refs[fn], str(source))
        seen.add(fn)
    missing = set(functions or []) - seen
    if missing:
        raise SpliceError(
            f"{source}: no solution cell (grade_id) for graded function(s) {sorted(missing)}"
        )
    return nb
