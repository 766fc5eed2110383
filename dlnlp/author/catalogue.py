"""tests/mutants/<id>/*.py and tests/alternatives/<id>/*.py: an assignment's catalogue.

A mutant is one known wrong implementation. Its module docstring holds `key: value` lines:
`target: <function>` (the function it breaks), `hint: <words the student must read>` and,
optionally, `unaffected: <f>, <g>` (functions that must keep full marks) and `hidden-only: <why>`
(its function's visible check in the notebook may pass it: `banned API`, since the notebook does
not enforce the bans, or a reason such as a statistical check too slow for a notebook; at most
HIDDEN_ONLY_SHARE of the catalogue for reasons other than a banned API). An alternative is a
correct implementation of one or more graded functions, written differently. The kit's suite
(tests/test_mutants.py) and `dlnlp check` both read them here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from dlnlp.author.minimums import HIDDEN_ONLY_SHARE, MIN_ALTERNATIVES, MIN_MUTANTS
from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.parsing import parse

HEADER_KEYS = ("target", "hint", "unaffected", "hidden-only")
BANNED_API = "banned API"  # the hidden-only reason that does not count against the share


class CatalogueError(DlnlpError):
    """A mutant's or an alternative's file cannot be read as one; the message names the file."""


@dataclass(frozen=True)
class Mutant:
    path: Path
    target: str
    hint: str
    unaffected: tuple[str, ...] = ()
    hidden_only: str = ""  # why the notebook's visible check may pass it ("": it must fail)

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def hidden_only_by_choice(self) -> bool:
        """Hidden-only for a reason other than a banned API (these count against the share)."""
        return bool(self.hidden_only) and not self.hidden_only.startswith(BANNED_API)


@dataclass(frozen=True)
class Alternative:
    path: Path
    defines: frozenset[str]  # its top-level functions and classes

    @property
    def name(self) -> str:
        return self.path.stem


def header(path: Path) -> dict[str, str]:
    """The `key: value` lines (target, hint, unaffected) of a catalogue file's docstring."""
    try:
        doc = ast.get_docstring(parse(path.read_text(), str(path))) or ""
    except SyntaxError as e:
        raise CatalogueError(f"{path}: not valid Python ({e.msg}, line {e.lineno})") from None
    pairs = (line.split(": ", 1) for line in doc.splitlines() if ": " in line)
    return {key.strip(): value.strip() for key, value in pairs if key.strip() in HEADER_KEYS}


def read_mutant(path: Path) -> Mutant:
    fields = header(path)
    missing = [key for key in ("target", "hint") if not fields.get(key)]
    if missing:
        raise CatalogueError(
            f"{path}: its docstring has no {' or '.join(f'`{k}: ...`' for k in missing)} line; "
            "a mutant names the function it breaks and the words its feedback must contain"
        )
    unaffected = tuple(f.strip() for f in fields.get("unaffected", "").split(",") if f.strip())
    return Mutant(path, fields["target"], fields["hint"], unaffected, fields.get("hidden-only", ""))


def read_alternative(path: Path) -> Alternative:
    try:
        tree = parse(path.read_text(), str(path))
    except SyntaxError as e:
        raise CatalogueError(f"{path}: not valid Python ({e.msg}, line {e.lineno})") from None
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    return Alternative(path, frozenset(names))


def mutants(course: Course, assignment: str) -> list[Mutant]:
    """The assignment's mutants, by file name (none when it has no catalogue)."""
    return [read_mutant(p) for p in sorted(course.mutants_dir(assignment).glob("*.py"))]


def alternatives(course: Course, assignment: str) -> list[Alternative]:
    """The assignment's correct alternatives, by file name."""
    return [read_alternative(p) for p in sorted(course.alternatives_dir(assignment).glob("*.py"))]


def below_minimums(course: Course, assignment: str) -> list[str]:
    """What the assignment's catalogue lacks to reach the minimums (author/minimums.py)."""
    found = {
        "mutants": (len(mutants(course, assignment)), MIN_MUTANTS, course.mutants_dir(assignment)),
        "alternatives": (
            len(alternatives(course, assignment)),
            MIN_ALTERNATIVES,
            course.alternatives_dir(assignment),
        ),
    }
    return [
        f"{assignment} has {n} {kind} in {folder.relative_to(course.root)}/; "
        f"every assignment needs at least {least}"
        for kind, (n, least, folder) in found.items()
        if n < least
    ]


def too_many_hidden_only(course: Course, assignment: str) -> str | None:
    """Why the assignment's catalogue has too many mutants its notebook's visible checks may
    pass for reasons other than a banned API (None: few enough, author/minimums.py)."""
    ms = mutants(course, assignment)
    chosen = [m.name for m in ms if m.hidden_only_by_choice]
    if ms and len(chosen) >= HIDDEN_ONLY_SHARE * len(ms):
        return (
            f"{assignment}: {len(chosen)} of {len(ms)} mutants are hidden-only for a reason other "
            f"than a banned API ({', '.join(chosen)}); fewer than {HIDDEN_ONLY_SHARE:.0%} may be: "
            "make the visible checks catch them"
        )
    return None
