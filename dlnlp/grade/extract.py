"""Submission notebook -> the code the worker may load.

Rules, stated in every assignment's instructions:
- only top-level imports, function and class definitions, and constant assignments are loaded
  (a training loop, a plot or `input()` left at top level must not run when grading), and none
  from the kit's locked cells (metadata that says so only ever loads less);
- a graded function is the `def` in the cell whose nbgrader grade_id is its name; when that
  metadata is lost (cells copied to a new notebook), the last top-level `def` of that name.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlnlp import notebook
from dlnlp.grade.untrusted import PROBLEMS
from dlnlp.parsing import parse, strip_annotations

_LOADABLE = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)  # a graded item may be a class
Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef  # one of _DEFS
_CONSTANT_NODES = (
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Attribute,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.BinOp,
    ast.UnaryOp,
    ast.operator,
    ast.unaryop,
    ast.Starred,
)


# What the trusted side reads of one notebook: its code cells' characters (the course's largest
# notebook has ~60,000; a student's, with scratch cells, a few times that), and its file.
MAX_CODE = 500_000
MAX_FILE = 32 * 2**20


class UnreadableNotebook(Exception):
    """The submission is not a notebook we can read; the message says what to do."""


@dataclass
class Cell:
    """One code cell to load: `keep` indexes the top-level statements that may run."""

    filename: str
    source: str
    keep: list[int]


@dataclass
class Kept:
    """One kept top-level statement: where it is (for messages) and its tree (for checks)."""

    filename: str  # "<cell N>"
    index: int  # its index in the cell's body (Cell.keep)
    node: ast.stmt

    @property
    def where(self) -> str:
        return f"{self.filename[1:-1]}, line {self.node.lineno}"


@dataclass
class Extracted:
    cells: list[Cell] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)  # every statement the worker will run
    defs: dict[str, Def] = field(default_factory=dict)  # graded function -> its def
    module_level: list[ast.stmt] = field(default_factory=list)  # kept imports and constants
    defined: set[str] = field(default_factory=set)  # every top-level function and class name
    found_by: dict[str, str] = field(default_factory=dict)  # graded function -> "grade_id" | "name"
    missing: dict[str, str] = field(default_factory=dict)  # graded function -> why
    problems: list[str] = field(default_factory=list)  # notes for the student (syntax errors, ...)
    unsaid: int = 0  # problems beyond the first PROBLEMS, counted only

    def note(self, problem: str) -> None:
        """Add a problem for the student: the first PROBLEMS are said, the rest counted (a
        notebook of 30,000 refused lines must not make a 2 MB results.json)."""
        if len(self.problems) < PROBLEMS:
            self.problems.append(problem)
        else:
            self.unsaid += 1

    def said(self) -> list[str]:
        """The problems as the student reads them."""
        more = [f"... and {self.unsaid} more problems like these"] if self.unsaid else []
        return self.problems + more

    def to_wire(self) -> list[dict]:
        return [vars(c) for c in self.cells]

    def drop(self, statements: list[Kept]) -> None:
        """Never load `statements` (a graded def is listed twice: in its cell and again at the
        end). One pass over the notebook, however many are dropped."""
        gone = {id(k) for k in statements}
        where = {(k.filename, k.index) for k in statements}
        nodes = {id(k.node) for k in statements}
        for cell in self.cells:
            cell.keep = [i for i in cell.keep if (cell.filename, i) not in where]
        self.kept = [k for k in self.kept if id(k) not in gone]
        self.module_level = [n for n in self.module_level if id(n) not in nodes]


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a submission; UnreadableNotebook names the file and the fix."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise UnreadableNotebook(
                f"{path.name}: is {path.stat().st_size / 2**20:.0f} MB, more than the "
                f"{MAX_FILE // 2**20} MB the grader reads: clear the outputs (Edit > Clear "
                "Outputs of All Cells), save, and submit again"
            )
        raw = path.read_bytes()
    except OSError as e:
        raise UnreadableNotebook(f"{path.name}: cannot be read ({e.strerror})") from None
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except (UnicodeDecodeError, json.JSONDecodeError, nbformat.reader.NotJSONError):
        raise UnreadableNotebook(
            f"{path.name}: is not a Jupyter notebook (not valid JSON). "
            "Re-download it from Jupyter with File > Download and submit the .ipynb file."
        ) from None
    except Exception as e:  # nbformat raises several types for structurally broken notebooks
        raise UnreadableNotebook(
            f"{path.name}: is a damaged notebook ({type(e).__name__}: {e}). "
            "Open it in Jupyter, save it, and submit it again."
        ) from None
    if not isinstance(nb.get("cells"), list):
        raise UnreadableNotebook(f"{path.name}: has no cells")
    return nb


def _strip_magics(source: str) -> str:
    """IPython magics and shell escapes become comments (line numbers are kept)."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(
            line[: len(line) - len(stripped)] + "# " + stripped
            if stripped[:1] in ("%", "!")
            else line
        )
    return "\n".join(lines) + "\n"


def _is_constant(node: ast.AST) -> bool:
    return all(isinstance(n, _CONSTANT_NODES) for n in ast.walk(node))


def _loadable(stmt: ast.stmt) -> bool:
    if isinstance(stmt, _LOADABLE):
        return True
    if isinstance(stmt, ast.Assign):
        return _is_constant(stmt.value) and all(isinstance(t, ast.Name) for t in stmt.targets)
    if isinstance(stmt, ast.AnnAssign):
        return (
            stmt.value is not None
            and _is_constant(stmt.value)
            and isinstance(stmt.target, ast.Name)
        )
    return False


def _parse(out: Extracted, number: int, source: str, graded: str | None) -> list[ast.stmt] | None:
    """The cell's statements; None on a syntax error, noted for the student (and, when the cell
    is the graded function `graded`'s, as the reason it is missing)."""
    try:
        # annotations never run (the worker strips them too): the policy checks what runs
        return strip_annotations(parse(source, f"<cell {number}>")).body
    except (SyntaxError, ValueError) as e:
        line, why = getattr(e, "lineno", None), getattr(e, "msg", e)
        out.note(
            f"cell {number}{f' (line {line})' if line else ''} has a syntax error and was skipped: {why}"
        )
        if graded:
            out.missing[graded] = f"the cell for {graded} (cell {number}) has a syntax error: {why}"
        return None


def _load(out: Extracted, cell: Cell, body: list[ast.stmt]) -> dict[str, tuple[int, Def]]:
    """Record the cell's loadable statements in `out`. -> {name: (index, node)} of its defs and
    classes."""
    out.cells.append(cell)
    defs: dict[str, tuple[int, Def]] = {}
    for i in cell.keep:
        stmt = body[i]
        out.kept.append(Kept(cell.filename, i, stmt))
        if isinstance(stmt, _DEFS):
            out.defined.add(stmt.name)
            defs[stmt.name] = i, stmt
        else:
            out.module_level.append(stmt)
    return defs


def _locate(
    out: Extracted,
    functions: list[str],
    graded_cells: dict[str, tuple[Cell, dict[str, tuple[int, Def]]]],
    last_def: dict[str, Def],
) -> None:
    """Each graded function's def: the one in its grade_id's cell, else the last of its name."""
    for fn in functions:
        if fn in out.missing:
            continue
        graded = graded_cells.get(fn)
        if graded and fn in graded[1]:
            cell, defs_here = graded
            index, node = defs_here[fn]
            out.defs[fn], out.found_by[fn] = node, "grade_id"
            # the graded cell's def wins over a later scratch redefinition of the same name
            out.cells.append(Cell(cell.filename, cell.source, [index]))
        elif fn in last_def:
            out.defs[fn], out.found_by[fn] = last_def[fn], "name"
        elif graded:
            out.missing[fn] = (
                f"the cell with grade_id {fn!r} no longer defines {fn} (was it renamed?)"
            )
        else:
            out.missing[fn] = (
                f"{fn} is not defined in the notebook (was its cell deleted or renamed?)"
            )


def extract(nb: nbformat.NotebookNode, functions: list[str]) -> Extracted:
    """Pick the loadable code out of `nb` and locate each graded function. Raises
    UnreadableNotebook past MAX_CODE characters of code (what is read is bounded)."""
    size = sum(len(notebook.source(c)) for c in nb.cells if c.get("cell_type") == "code")
    if size > MAX_CODE:
        raise UnreadableNotebook(
            f"the notebook's code cells hold {size:,} characters, more than the {MAX_CODE:,} the grader "
            "reads: remove pasted data or outputs from the code cells and submit again"
        )
    out = Extracted()
    graded_cells: dict[str, tuple[Cell, dict[str, tuple[int, Def]]]] = {}  # by grade_id
    last_def: dict[str, Def] = {}  # name -> the last top-level def or class of that name
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code" or notebook.is_kit_cell(cell):
            continue  # the kit's own cells (visible checks): grading needs none of their code
        gid = notebook.grade_id(cell)
        graded = gid if gid in functions else None
        source = _strip_magics(notebook.source(cell))
        body = _parse(out, number, source, graded)
        if body is None:
            continue
        loaded = Cell(f"<cell {number}>", source, [i for i, s in enumerate(body) if _loadable(s)])
        defs = _load(out, loaded, body)
        last_def |= {name: node for name, (_, node) in defs.items()}
        if graded:
            graded_cells[graded] = (loaded, defs)
    _locate(out, functions, graded_cells, last_def)
    return out
