"""nbgrader's metadata on notebook cells: the one place that knows where it lives and its shape.

Cells are nbformat NotebookNodes or plain dicts (a notebook read with `json`). A student's
notebook is untrusted input: a cell's `metadata` or `nbgrader` may be missing or of any type (a
list, a string), and then reads here as "no nbgrader metadata", never as an exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def nbgrader_meta(cell: object) -> dict:
    """The cell's nbgrader metadata: the dict itself (so a caller may set e.g. points), or a new
    empty dict when there is none or it is not a dict."""
    meta = cell.get("metadata") if isinstance(cell, Mapping) else None
    found = meta.get("nbgrader") if isinstance(meta, Mapping) else None
    return found if isinstance(found, dict) else {}


def grade_id(cell: object) -> str | None:
    """The cell's nbgrader grade_id, or None (none, or not a string: never a key to trust)."""
    found = nbgrader_meta(cell).get("grade_id")
    return found if isinstance(found, str) and found else None


def is_solution(cell: object) -> bool:
    """Is it a cell the student writes in (nbgrader `solution`: a function, a written answer)?"""
    return bool(nbgrader_meta(cell).get("solution"))


def is_kit_cell(cell: object) -> bool:
    """Is it one of the kit's own locked cells (imports for the checks, the helper, the checks)?"""
    meta = nbgrader_meta(cell)
    return bool(meta.get("locked")) and not meta.get("solution")


def by_grade_id(cells: Iterable[object]) -> dict[str, object]:
    """grade_id -> cell, for the cells that have one (a duplicated grade_id: the first cell)."""
    found: dict[str, object] = {}
    for cell in cells:
        if (gid := grade_id(cell)) is not None:
            found.setdefault(gid, cell)
    return found


def source(cell: object) -> str:
    """A cell's text: a string, or a list of strings (nbformat's on-disk form); else empty."""
    src = cell.get("source", "") if isinstance(cell, Mapping) else ""
    if isinstance(src, list) and all(isinstance(s, str) for s in src):
        src = "".join(src)
    return src if isinstance(src, str) else ""
