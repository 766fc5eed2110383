"""solutions/<id>.py + assignments/<id>/<id>.ipynb -> the solved source notebook.

The authored notebook holds each graded function's signature and docstring, with an empty
`### BEGIN SOLUTION` / `### END SOLUTION` region; the reference body (docstring dropped) is
spliced into that region. A graded class's cell holds one such region in each method (e.g.
`__init__` and `forward`), filled with the body of the reference class's method of that name.
solutions/ stays the one place solution code lives; likewise dlnlp/build/visible_checks.py is the
one place the `visible_checks` helper cell's code lives (the authored cell holds a placeholder).
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from pathlib import Path
from typing import TypeVar

import nbformat

from dlnlp.errors import DlnlpError
from dlnlp.notebook import grade_id, is_solution
from dlnlp.parsing import parse

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HELPER_ID = "visible_checks"  # the grade_id of the helper cell
HELPER_MODULE = Path(__file__).with_name("visible_checks.py")
# what an authored notebook's helper cell holds (`dlnlp new` writes it): the build fills in the code
VISIBLE_CHECKS_PLACEHOLDER = "# filled in by dlnlp build from dlnlp/build/visible_checks.py"


class SpliceError(DlnlpError):
    """Notebook and reference disagree; the message names the file, the function and the fix."""


Reference = tuple[ast.FunctionDef, str]  # a def node and its body's source, docstring dropped


def _body(node: ast.FunctionDef, lines: list[str], where: str) -> Reference:
    body = node.body
    has_doc = ast.get_docstring(node) is not None
    if has_doc and len(body) == 1:
        raise SpliceError(f"{where}: {node.name} has only a docstring")
    start = body[0].end_lineno if has_doc else body[0].lineno - 1
    return node, textwrap.dedent("\n".join(lines[start : node.end_lineno])).strip("\n")


def reference_bodies(solution: Path) -> dict[str, Reference | dict[str, Reference]]:
    """Top-level functions of the reference: name -> (def node, body source without docstring);
    top-level classes: name -> {method name: (def node, body source)}."""
    source = solution.read_text()
    lines = source.splitlines()
    out: dict[str, Reference | dict[str, Reference]] = {}
    for node in parse(source, str(solution)).body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = _body(node, lines, str(solution))
        elif isinstance(node, ast.ClassDef):
            out[node.name] = {
                m.name: _body(m, lines, f"{solution}: {node.name}")
                for m in node.body
                if isinstance(m, ast.FunctionDef)
            }
    return out


def _regions(lines: list[str]) -> list[tuple[int, int]]:
    """(begin, end) line indexes of each solution region, in order."""
    regions, begin = [], None
    for i, line in enumerate(lines):
        if line.strip() == BEGIN:
            begin = i
        elif line.strip() == END and begin is not None:
            regions.append((begin, i))
            begin = None
    return regions


def _enclosing_def(lines: list[str], begin: int) -> str | None:
    """Name of the method whose body holds line `begin` (the nearest def indented less)."""
    indent = len(lines[begin]) - len(lines[begin].lstrip())
    for line in reversed(lines[:begin]):
        m = re.match(r"(\s*)def\s+(\w+)\s*\(", line)
        if m and len(m.group(1)) < indent:
            return m.group(2)
    return None


def _solution_regions(
    source: str, name: str, where: str
) -> tuple[list[str], list[tuple[int, int]]]:
    """The cell's lines and its solution regions; a cell of `name` without one is an error."""
    lines = source.splitlines()
    regions = _regions(lines)
    if not regions:
        raise SpliceError(f"{where}: the cell of {name} needs a {BEGIN!r} ... {END!r} region")
    return lines, regions


_Def = TypeVar("_Def", ast.FunctionDef, ast.ClassDef)


def _spliced_def(text: str, name: str, kind: type[_Def], where: str) -> _Def:
    """The top-level def (or class: `kind`) `name` of the spliced cell `text`."""
    try:
        return next(n for n in parse(text).body if isinstance(n, kind) and n.name == name)
    except (SyntaxError, StopIteration):
        raise SpliceError(
            f"{where}: the cell of {name} does not define {name} once spliced"
        ) from None


def _signature(node: ast.FunctionDef) -> str:
    return ast.dump(node.args, annotate_fields=False, include_attributes=False)


def _same_signature(
    node: ast.FunctionDef, reference: ast.FunctionDef, label: str, where: str
) -> None:
    if _signature(node) != _signature(reference):
        raise SpliceError(
            f"{where}: {label}'s signature differs from the reference in solutions/; make them match"
        )


def _fill(lines: list[str], begin: int, end: int, body: str) -> list[str]:
    """Lines with the region between markers `begin` and `end` holding `body`, at their indent."""
    marker = lines[begin]
    indent = marker[: len(marker) - len(marker.lstrip())]
    return lines[: begin + 1] + textwrap.indent(body, indent).splitlines() + lines[end:]


def splice_class_cell(source: str, cls: str, methods: dict[str, Reference], where: str) -> str:
    """Fill each method's solution region of a class cell with the reference method's body."""
    lines, regions = _solution_regions(source, cls, where)
    for begin, end in reversed(regions):  # from the bottom, so earlier indexes stay valid
        method = _enclosing_def(lines, begin)
        if method not in methods:
            raise SpliceError(
                f"{where}: a solution region of {cls} is in {method or 'no method'}, which the "
                f"reference class in solutions/ does not define"
            )
        lines = _fill(lines, begin, end, methods[method][1])
    text = "\n".join(lines)
    for m in _spliced_def(text, cls, ast.ClassDef, where).body:
        if isinstance(m, ast.FunctionDef) and m.name in methods:
            _same_signature(m, methods[m.name][0], f"{cls}.{m.name}", where)
    return text


def splice_cell(source: str, function: str, reference: Reference, where: str) -> str:
    """Replace the solution region of one cell with the reference body, at the marker's indent."""
    lines, regions = _solution_regions(source, function, where)
    text = "\n".join(_fill(lines, *regions[0], reference[1]))
    _same_signature(
        _spliced_def(text, function, ast.FunctionDef, where), reference[0], function, where
    )
    return text


def visible_checks_source() -> str:
    """The helper cell's code: dlnlp/build/visible_checks.py after its module docstring."""
    text = HELPER_MODULE.read_text()
    docstring = parse(text, str(HELPER_MODULE)).body[0]
    return "\n".join(text.splitlines()[docstring.end_lineno :]).strip("\n")


def _fill_helper(nb: nbformat.NotebookNode, source: Path) -> None:
    """Put the visible_checks helper's code into the notebook's helper cell (its placeholder)."""
    cells = [c for c in nb.cells if c.cell_type == "code" and grade_id(c) == HELPER_ID]
    fix = (
        f"add a locked code cell (id 'visible-checks', nbgrader grade_id {HELPER_ID!r}) holding "
        f"the line {VISIBLE_CHECKS_PLACEHOLDER!r}, before the first check cell"
    )
    if not cells:
        raise SpliceError(f"{source}: no visible_checks helper cell; {fix}")
    for cell in cells:
        if cell.source.strip() not in ("", VISIBLE_CHECKS_PLACEHOLDER):
            raise SpliceError(
                f"{source}: the {HELPER_ID} cell holds code, but its code lives in "
                f"{HELPER_MODULE.name} (dlnlp/build/); edit that file and leave the line "
                f"{VISIBLE_CHECKS_PLACEHOLDER!r} in the cell"
            )
        cell.source = visible_checks_source()


def solved_notebook(
    source: Path, solution: Path, functions: list[str] | None = None
) -> nbformat.NotebookNode:
    """The authored notebook with every graded function's reference spliced in and the
    visible_checks helper's code in its cell."""
    nb = copy.deepcopy(nbformat.read(source, as_version=4))
    _fill_helper(nb, source)
    refs = reference_bodies(solution)
    seen = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_solution(cell):
            continue
        fn = grade_id(cell)
        if fn not in refs:
            raise SpliceError(
                f"{source}: solution cell {fn!r} has no function of that name in {solution}"
            )
        ref = refs[fn]
        if isinstance(ref, dict):
            cell.source = splice_class_cell(cell.source, fn, ref, str(source))
        else:
            cell.source = splice_cell(cell.source, fn, ref, str(source))
        seen.add(fn)
    missing = set(functions or []) - seen
    if missing:
        raise SpliceError(
            f"{source}: no solution cell (grade_id) for graded function(s) {sorted(missing)}"
        )
    return nb
