"""`dlnlp rename ASSIGNMENT OLD NEW`: rename one graded function everywhere.

Where the name is the id: the authored notebook (code and text, cell ids, grade_ids: OLD,
check_OLD, written_OLD...), the reference, the hidden tests (every .py of autograder/<id>/, the
file test_OLD.py, `student.OLD`, `OLD_mistakes`), the catalogue (code, `target:` and
`unaffected:` lines, files named OLD_*.py), the config's key (ruamel.yaml: comments stay), and
the release, rebuilt. The name is replaced as a whole identifier not reached through an
attribute: `torch.softmax` stays, `student.softmax` is renamed. All or nothing (author/edits.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from dlnlp.author import config_edit
from dlnlp.author.edits import Edits
from dlnlp.author.new import NewError, build, refuse_identifier
from dlnlp.course import Course
from dlnlp.notebook import nbgrader_meta


def _pattern(name: str) -> re.Pattern[str]:
    """`name` as a whole identifier: not after a dot (an attribute) unless after `student.`, and
    as the stem of `<name>_mistakes`."""
    n = re.escape(name)
    return re.compile(rf"(?:(?<![\w.])|(?<=\bstudent\.)){n}(?=_mistakes\b|(?!\w))")


def _files(course: Course, a: str) -> list[Path]:
    """The Python files that may name the function: reference, hidden tests, catalogue."""
    folders = [course.hidden_tests(a), course.mutants_dir(a), course.alternatives_dir(a)]
    return [course.solution(a), *(p for f in folders for p in sorted(f.rglob("*.py")))]


def _grade_id(gid: str, old: str, new: str) -> str:
    for prefix in ("", "check_"):
        if gid == prefix + old:
            return prefix + new
    return re.sub(rf"^written_{re.escape(old)}(?=$|_)", f"written_{new}", gid)


def _renamed_path(path: Path, old: str, new: str) -> Path:
    """test_OLD.py -> test_NEW.py, OLD.py / OLD_*.py -> NEW.py / NEW_*.py; others keep theirs."""
    stem = path.stem
    if stem == f"test_{old}":
        return path.with_name(f"test_{new}.py")
    if stem == old or stem.startswith(f"{old}_"):
        return path.with_name(new + stem[len(old) :] + ".py")
    return path


def rename_function(course: Course, a: str, old: str, new: str) -> list[str]:
    """Rename graded function `old` of assignment `a` to `new`; return what changed, a line each."""
    refuse_identifier(new, "function name")
    if a not in course.config().assignments:
        raise NewError(f"{course.config_path}: no assignment {a!r}")
    functions = course.config().assignment(a).functions
    if old not in functions:
        raise NewError(f"{a} grades no function {old!r} (it grades {', '.join(functions)})")
    if new in functions:
        raise NewError(f"{a} grades {new!r} already: choose another name")
    source = course.source_notebook(a)
    nb = nbformat.read(source, as_version=4)
    files = {p: p.read_text() for p in _files(course, a) if p.is_file()}
    pat, taken = _pattern(old), _pattern(new)
    texts = {
        f"{source}": "\n".join(c.source for c in nb.cells),
        **{str(p): t for p, t in files.items()},
    }
    used = next((where for where, text in texts.items() if taken.search(text)), None)
    if used:
        raise NewError(f"{used} uses the name {new!r} already: choose another name")
    moves = {p: _renamed_path(p, old, new) for p in files}
    clash = next((t for p, t in moves.items() if t != p and t.exists()), None)
    if clash:
        raise NewError(f"{clash} exists already: move it away or choose another name")

    changed = []
    cells = 0
    for cell in nb.cells:
        before = (cell.source, cell.get("id"), nbgrader_meta(cell).get("grade_id"))
        cell.source = pat.sub(new, cell.source)
        if "id" in cell:
            cell.id = pat.sub(new, cell.id)
        meta = nbgrader_meta(cell)
        if meta.get("grade_id"):
            meta["grade_id"] = _grade_id(meta["grade_id"], old, new)
        cells += before != (cell.source, cell.get("id"), meta.get("grade_id"))
    changed.append(f"{source.relative_to(course.root)}: {cells} cell(s)")
    with Edits() as edits:
        edits.remember(source)
        nbformat.write(nb, source)
        for path, text in files.items():
            renamed, n = pat.subn(new, text)
            target = moves[path]
            if target != path:
                edits.move(path, target)
            if n or target != path:
                edits.write(target, renamed)
                moved = f" (was {path.name})" if target != path else ""
                changed.append(f"{target.relative_to(course.root)}: {n} name(s){moved}")
        edits.remember(course.config_path)
        config_edit.rename_function(course.config_path, a, old, new)
        changed.append(f"{course.config_path.relative_to(course.root)}: {old} -> {new}")
        release = build(course, a, edits)
        if release:
            changed.append(f"{release.relative_to(course.root)}: rebuilt")
    return changed
