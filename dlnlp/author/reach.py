"""Which graded functions' hidden tests can run the code a catalogue entry changes, read statically.

A mutant or an alternative is the reference notebook with some top-level statements replaced.
The hidden tests of a graded function g call the student's top-level names that
`test_<g>.py` and the package modules it imports mention (an identifier, an attribute or a
string: `student.f`, `getattr(student, "f")`); in the worker those run the notebook's code,
which reaches further top-level names by name, as the static ban check follows helpers. When
no statement the entry changed binds a name in that closure, and the entry changed nothing that
runs for its effects while loading, g's tests run exactly the reference's code: the entry's
grade on g is the reference's, which the suite asserts is full. The catalogue then grades such
an entry's training functions (the slow ones) only where its change reaches them.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlnlp.course import Course, hidden_test_name
from dlnlp.grade import policy
from dlnlp.grade.extract import Extracted, extract
from dlnlp.parsing import parse

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_IMPORTS = (ast.Import, ast.ImportFrom)


def _bound(node: ast.stmt) -> list[str]:
    """The top-level names a kept statement binds when loaded."""
    if isinstance(node, _DEFS):
        return [node.name]
    if isinstance(node, _IMPORTS):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return [n.id for t in targets if t is not None for n in ast.walk(t) if isinstance(n, ast.Name)]


def _inert(node: ast.stmt) -> bool:
    """Does loading `node` do nothing but bind its names (no call, no decorator, no class
    keyword)? A changed statement that does more could change any function's state."""
    if isinstance(node, (*_IMPORTS, ast.Pass)):
        return True
    if isinstance(node, ast.ClassDef):
        plain = all(isinstance(b, ast.Name | ast.Attribute) for b in node.bases)
        body = all(_inert(s) or _docstring(s) for s in node.body)
        return plain and body and not (node.decorator_list or node.keywords)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
        calls = any(isinstance(n, ast.Call) for d in defaults for n in ast.walk(d))
        return not (node.decorator_list or calls)
    if isinstance(node, ast.Assign | ast.AnnAssign):
        value = node.value
        return value is None or not any(
            isinstance(n, ast.Call | ast.Subscript) for n in ast.walk(value)
        )
    return False


def _docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _last_bindings(extracted: Extracted) -> dict[str, str]:
    """name -> the tree of the last kept statement that binds it: what the name holds once
    loaded (a preamble repeated in every cell binds the same). The grader loads only imports,
    definitions and constants (grade/extract.py): every kept statement binds a name."""
    last: dict[str, str] = {}
    for k in extracted.kept:
        last |= dict.fromkeys(_bound(k.node), ast.dump(k.node, include_attributes=False))
    return last


def changed_names(reference: Extracted, entry: Extracted) -> set[str] | None:
    """The top-level names that `entry` leaves bound otherwise than `reference` does, by their
    statements' trees; None when a statement of `entry`'s that the reference lacks does more
    on loading than bind names (no function's tests can then be assumed to run the
    reference's code)."""
    old = {ast.dump(k.node, include_attributes=False) for k in reference.kept}
    if any(
        ast.dump(k.node, include_attributes=False) not in old and not _inert(k.node)
        for k in entry.kept
    ):
        return None
    ref, new = _last_bindings(reference), _last_bindings(entry)
    return {name for name in ref.keys() | new.keys() if ref.get(name) != new.get(name)}


def closure(extracted: Extracted, names: Iterable[str]) -> set[str]:
    """`names` and every top-level name their binding statements mention, transitively (every
    statement that binds a name: one that loading replaced could still have captured it)."""
    refs: dict[str, set[str]] = {}
    for k in extracted.kept:
        mentioned = {n.id for n in ast.walk(k.node) if isinstance(n, ast.Name)}
        for name in _bound(k.node):
            refs.setdefault(name, set()).update(mentioned)
    found, todo = set(names), list(names)
    while todo:
        for name in refs.get(todo.pop(), ()):
            if name not in found:
                found.add(name)
                todo.append(name)
    return found


def _words(nodes: Iterable[ast.AST]) -> set[str]:
    """Every identifier, attribute name, imported name and string constant in `nodes`."""
    words: set[str] = set()
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Name):
                words.add(n.id)
            elif isinstance(n, ast.Attribute):
                words.add(n.attr)
            elif isinstance(n, ast.Constant) and isinstance(n.value, str):
                words.add(n.value)
            elif isinstance(n, ast.alias):
                words.add(n.name)
            if isinstance(n, ast.ImportFrom) and n.module:  # from .lab import pad
                words.add(n.module)
    return words


@functools.cache
def mentioned_by_tests(test_dir: Path, function: str) -> frozenset[str]:
    """Every word that `function`'s hidden tests mention, and the helpers they reach in the
    hidden-test package: a superset of the student names they call. A helper is a top-level
    function or class of the test module or of a package module it imports (`lab.pad`,
    `from .lab import pad`), followed where a reached body names it, in its own module's
    scope; an imported module's other top-level statements (constants) count as reached."""
    defs: dict[str, dict[str, ast.stmt]] = {}
    scope: dict[str, list[str]] = {}
    module_level: dict[str, list[ast.stmt]] = {}
    for path in sorted(test_dir.glob("*.py")):
        tree = parse(path.read_text(), str(path))
        module = path.stem
        defs[module] = {n.name: n for n in tree.body if isinstance(n, _DEFS)}
        module_level[module] = [n for n in tree.body if not isinstance(n, _DEFS)]
        imported = [
            name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.level == 1
            for name in ([n.module] if n.module else [a.name for a in n.names])
        ]
        scope[module] = [module, *imported]
    start = Path(hidden_test_name(function)).stem
    todo: list[tuple[str, ast.stmt]] = [(start, n) for n in defs[start].values()]
    for module in scope[start]:
        todo += [(module, n) for n in module_level.get(module, [])]
    words: set[str] = set()
    seen: set[int] = set()
    while todo:
        module, node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found = _words([node])
        words |= found
        for other in scope.get(module, []):
            todo += [(other, defs[other][w]) for w in found if w in defs.get(other, {})]
            if other != module:  # an imported module's constants (and their imports)
                todo += [(other, n) for n in module_level.get(other, [])]
    return frozenset(words)


def _loaded(nb: nbformat.NotebookNode, functions: list[str]) -> Extracted | None:
    """`nb`'s code as the grader loads it (extracted, the code policy enforced); None where the
    policy refuses a statement (that scores 0 on a function, whatever its tests reach)."""
    extracted = extract(nb, functions)
    return None if policy.enforce(extracted) else extracted


@dataclass
class Reach:
    """An assignment's reference notebook, loaded as the grader loads it, and its hidden tests:
    which of their functions a catalogue entry's change can reach."""

    reference: Extracted
    test_dir: Path
    functions: list[str]
    # function -> the reference's names its tests can reach: the same for every entry
    _reached: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, reference: nbformat.NotebookNode, functions: list[str], test_dir: Path) -> Reach:
        loaded = _loaded(reference, functions)
        if loaded is None:
            raise ValueError("the reference notebook breaks the code policy")
        return cls(loaded, test_dir, functions)

    def changes(self, entry: nbformat.NotebookNode) -> set[str] | None:
        """changed_names of `entry` (None also where the code policy refuses part of it)."""
        loaded = _loaded(entry, self.functions)
        return None if loaded is None else changed_names(self.reference, loaded)

    def reaches(self, function: str, changed: set[str] | None) -> bool:
        """Can `function`'s hidden tests run code that `changed` names?"""
        if changed is None:
            return True
        if function not in self._reached:
            entry = {function} | mentioned_by_tests(self.test_dir, function)
            self._reached[function] = closure(self.reference, entry)
        return bool(self._reached[function] & changed)


def training_loops(course: Course, assignment: str) -> set[str]:
    """The graded functions with their own `call_seconds`: their tests train models for seconds
    per notebook, so the catalogue grades an entry on them only where its change reaches them."""
    functions = course.config().assignment(assignment).functions
    return {fn for fn, f in functions.items() if f.call_seconds}


def graded_functions(
    course: Course,
    assignment: str,
    reference: nbformat.NotebookNode,
    notebooks: dict[str, nbformat.NotebookNode],
    asked: dict[str, set[str]],
) -> dict[str, list[str]]:
    """student -> the functions of `asked[student]` to grade on that catalogue notebook, in the
    config's order, less the training loops whose hidden tests cannot run the code it changes
    from `reference` (its grade there is the reference's). The rule both `dlnlp check` and the
    kit's suite grade the catalogue by."""
    functions = list(course.config().assignment(assignment).functions)
    slow = training_loops(course, assignment)
    out = {student: [fn for fn in functions if fn in asked[student]] for student in notebooks}
    if not slow:
        return out
    where = Reach.of(reference, functions, course.hidden_tests(assignment))
    for student, nb in notebooks.items():
        changed = where.changes(nb)
        out[student] = [fn for fn in out[student] if fn not in slow or where.reaches(fn, changed)]
    return out
