"""Stage 1: submissions, release and reference -> the code to compare.

A submission's code is each graded function as the grader extracts it (`dlnlp.grade.extract`:
the def in the cell with its grade_id, else the last def of its name), as the student wrote it.
The starter code is every statement of the release the grader would load (the stubs with their
signatures and docstrings, imports, given helpers). The reference is solutions/<id>.py's graded
functions.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.grade.extract import Extracted, extract, read_notebook
from dlnlp.parsing import parse

# the reference's name in pairs, the CSV and the page: no student id holds parentheses
# (dlnlp.grade.collect.SAFE_ID, and a mapped id is a slug + "~" + a hash)
REFERENCE = "(reference)"
# a graded function longer than this is compared on its first MAX_CHARS characters: the lexer
# takes ~7 us a character, and no assignment's function is near this long
MAX_CHARS = 20_000


@dataclass
class Code:
    """One submission's (or the reference's) graded functions: name -> source text."""

    student: str
    functions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was cut, for the run's warnings


def _printable(text: str) -> str:
    """Text fit for a page and a file: a lone surrogate from the JSON becomes "?" (same length)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _segment(lines: list[str], node: ast.stmt) -> str:
    """The statement's whole lines in its cell (`lines`, split once), decorators included."""
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "\n".join(lines[start - 1 : node.end_lineno])


def _statements(extracted: Extracted) -> list[tuple[ast.stmt, str]]:
    """(statement, its text) for every statement the grader would load, each once: each cell is
    split into lines once, so this is linear in the notebook (it was once per statement)."""
    lines = {c.filename: c.source.splitlines() for c in extracted.cells}
    seen: set[int] = set()
    found = []
    for kept in extracted.kept:
        if id(kept.node) not in seen:
            seen.add(id(kept.node))
            found.append((kept.node, _segment(lines[kept.filename], kept.node)))
    return found


def graded_code(student: str, extracted: Extracted) -> Code:
    """The graded functions the grader located, as written (a missing one is left out)."""
    texts = {id(node): text for node, text in _statements(extracted)}
    code = Code(student)
    for fn, node in extracted.defs.items():
        text = _printable(texts.get(id(node)) or ast.unparse(node))  # (always in texts)
        if len(text) > MAX_CHARS:
            code.notes.append(f"{student}: {fn} compared on its first {MAX_CHARS} characters")
            text = text[:MAX_CHARS]
        code.functions[fn] = text
    return code


def read_submission(student: str, path: Path, functions: list[str]) -> Code:
    """The submission's graded functions; UnreadableNotebook says why there are none."""
    return graded_code(student, extract(read_notebook(path), functions))


def starter_code(release: Path, functions: list[str]) -> list[str]:
    """Every statement of the release the grader would load, one text each."""
    return [_printable(text) for _, text in _statements(extract(read_notebook(release), functions))]


def reference_code(solution: Path, functions: list[str]) -> Code:
    """solutions/<id>.py's graded functions (top-level defs and classes of those names)."""
    source = solution.read_text(encoding="utf-8")
    lines = source.splitlines()
    code = Code(REFERENCE)
    for node in parse(source, str(solution)).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in functions:
            code.functions[node.name] = _segment(lines, node)
    return code
