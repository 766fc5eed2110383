"""Edits of grader_config.yaml that keep the file as a person wrote it: comments, anchors, quotes
and order (ruamel.yaml's round trip). The new parts are YAML text too, comments included."""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from dlnlp.errors import DlnlpError


class ConfigEditError(DlnlpError):
    """grader_config.yaml cannot be edited as asked; the message names the file and the fix."""


def _yaml() -> YAML:
    y = YAML()  # round trip: comments, anchors and key order survive a load and a dump
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long line of the author's
    return y


def _load(path: Path) -> tuple[CommentedMap, YAML]:
    """The file's document, and the YAML that writes it back. The indents are the kit's own
    (mappings by 2, list items by 2 more): a file written so comes back byte for byte but for
    the edit (tests/test_author.py); another style is re-indented, its comments kept."""
    y = _yaml()
    doc = y.load(path.read_text())
    if not isinstance(doc, CommentedMap) or not isinstance(doc.get("assignments"), CommentedMap):
        raise ConfigEditError(f"{path}: no `assignments:` mapping to edit; see docs/instructors.md")
    return doc, y


def _dump(path: Path, doc: CommentedMap, y: YAML) -> None:
    out = io.StringIO()
    y.dump(doc, out)
    path.write_text(out.getvalue())


def _snippet(text: str) -> CommentedMap:
    return _yaml().load(text)


def add_assignment(path: Path, assignment: str, entry: str) -> None:
    """Append `entry` (YAML text: `<id>:` and its mapping) to `assignments:`."""
    doc, y = _load(path)
    doc["assignments"][assignment] = _snippet(entry)[assignment]
    _dump(path, doc, y)


def add_function(path: Path, assignment: str, function: str, entry: str) -> None:
    """Append `entry` (YAML text: `<function>:` and its mapping) to the assignment's functions."""
    doc, y = _load(path)
    functions = doc["assignments"].get(assignment, {}).get("functions")
    if not isinstance(functions, CommentedMap):
        raise ConfigEditError(f"{path}: assignments.{assignment}.functions is not a mapping")
    functions[function] = _snippet(entry)[function]
    _dump(path, doc, y)


def rename_function(path: Path, assignment: str, old: str, new: str) -> None:
    """Rename the key `old` under assignments.<id>.functions, in place (its comments stay)."""
    doc, y = _load(path)
    functions = doc["assignments"].get(assignment, {}).get("functions")
    if not isinstance(functions, CommentedMap) or old not in functions:
        raise ConfigEditError(f"{path}: assignments.{assignment}.functions has no {old!r}")
    at = list(functions).index(old)
    comment = functions.ca.items.pop(old, None)
    functions.insert(at, new, functions.pop(old))
    if comment is not None:
        functions.ca.items[new] = comment
    _dump(path, doc, y)
