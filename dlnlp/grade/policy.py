"""The code policy: what code kept from a notebook may use, checked on the trusted side over
every statement the worker will run (extract.Kept), before anything runs. It allows, and
refuses the rest:

- syntax: the node types of policy_rules.SYNTAX (no async code, no match, no class keywords);
  annotations are removed before anything is checked or compiled, so none is ever evaluated;
  decorators from a short list (allowlist.DECORATORS, a property's .setter);
- names reached through a module (`F.relu`, `from torch.optim import Adam`): each is resolved
  to the object it is and must be on the allowlist (dlnlp/grade/allowlist.py), whatever module
  re-exports it (policy_names.Allowlist); modules themselves only as `module.name`;
- builtins: allowlist.BUILTINS (getattr and its kin with a constant name only);
- attributes of values (whose type is not known before run time): public names, a few
  protocol dunders, a class's own `self._x`, never a name that reaches a frame, code object or
  traceback (policy_names.introspection_names), and str.format only on a constant template.

Names are resolved by scope (a parameter called `eval` is the student's; a bare `eval` in
another function is the builtin). Each rule has a stable id and says what to do instead
(RULES). A statement that breaks one never runs: a graded function or class that breaks one
scores 0, and any other statement is not loaded, with a problem naming the rule and the cell
(`enforce`). Code that passes can still misbehave at run time; the sandbox and the run-time
guards hold that (docs/security.md, "What a ban guarantees").
"""

from __future__ import annotations

import ast
import builtins
import functools
import string
from dataclasses import dataclass, field

from dlnlp.grade.allowlist import BUILTINS
from dlnlp.grade.extract import Extracted, Kept
from dlnlp.grade.policy_names import Allowlist, decorator_path, introspection_names
from dlnlp.grade.policy_rules import (
    ALLOWED_DUNDERS,
    ATTRIBUTE_BUILTINS,
    DENIED,
    FORMAT_METHODS,
    INTERPRETER,
    REFLECTION,
    RULES,
    SYNTAX,
)

_MAX_NAME = 80  # a student's identifier, as shown back
_MAX_FOUND = 10  # violations kept per statement
_ALLOWED_BUILTINS = frozenset(BUILTINS)
_DECORATOR_BUILTINS = frozenset({"staticmethod", "classmethod", "property"})
_PROPERTY_PARTS = frozenset({"setter", "getter", "deleter"})


@dataclass(frozen=True)
class Violation:
    rule: str
    what: str  # the code that breaks it, e.g. "torch._C"

    def entry(self) -> str:
        """As a banned entry of a graded function: '`torch._C` (code policy rule private)'."""
        return f"`{self.what}` (code policy rule {self.rule}: {RULES[self.rule]})"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def _denied(path: str) -> bool:
    return any(path == d or path.startswith(d + ".") for d in DENIED)


@functools.cache
def _internal_names() -> frozenset[str]:
    """Private names of the objects a method's `self` could be made to be (a tensor, a module:
    `MyClass.method(model)`): `self._x` may not be one of them."""
    import torch

    objects = (torch.Tensor, torch.nn.Parameter, torch.nn.Module, torch.nn.Module())
    return frozenset(n for obj in objects for n in dir(obj) if _private(n))


def _plain_template(text: str) -> bool:
    """Does a str.format template only place its arguments ({}, {0}, {name}, {x:.3f}),
    never read an attribute or item of one ({0.__class__}, {0[key]})?"""
    try:
        fields = [f for _, f, spec, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return False
    return all(f == "" or f.isdigit() or f.isidentifier() for f in fields)


@dataclass
class _Scope:
    kind: str  # module | function | class
    bound: dict[str, str] = field(default_factory=dict)  # name -> "import" | "var"
    globals: set[str] = field(default_factory=set)
    assigned: set[str] = field(default_factory=set)  # names stored to in its body
    declares: bool = False  # has a global or nonlocal statement


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_ScopeNode = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _bind_target(target: ast.AST, bound: dict[str, str]) -> None:
    for n in ast.walk(target):
        if isinstance(n, ast.Name):
            bound.setdefault(n.id, "var")


def _scope_of(node: _ScopeNode, kind: str) -> _Scope:
    """The names `node`'s own scope binds (parameters, assignments, imports, nested defs, loop
    and except targets), not looking into the scopes nested in it (a comprehension's walrus
    binds here, as Python has it)."""
    scope = _Scope(kind)
    args = getattr(node, "args", None)
    if isinstance(args, ast.arguments):
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if a is not None:
                scope.bound[a.arg] = "var"
    body = node.body if isinstance(node.body, list) else [node.body]
    todo: list[ast.AST] = list(body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            for alias in n.names:
                if alias.name != "*":
                    scope.bound[alias.asname or alias.name.split(".")[0]] = "import"
            continue
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.bound[n.name] = "var"
            todo.extend(n.decorator_list)  # evaluated here; the body is a scope of its own
            continue
        if isinstance(n, ast.Lambda):
            continue
        if isinstance(n, ast.Global):
            scope.globals.update(n.names)
            scope.declares = True
            continue
        if isinstance(n, ast.Nonlocal):
            scope.bound.update(dict.fromkeys(n.names, "var"))
            scope.declares = True
            continue
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            scope.bound.setdefault(n.id, "var")
            scope.assigned.add(n.id)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            scope.bound.setdefault(n.name, "var")
        elif isinstance(n, ast.NamedExpr):
            _bind_target(n.target, scope.bound)
        elif isinstance(n, _COMPREHENSIONS):  # only its walruses bind here
            todo.extend(w for w in ast.walk(n) if isinstance(w, ast.NamedExpr))
            continue
        todo.extend(ast.iter_child_nodes(n))
    for name in scope.globals:
        scope.bound.pop(name, None)
    return scope


class _Checker(ast.NodeVisitor):
    """Collects the violations in one statement. `receiver`: the `self` of the method being
    visited (its first parameter, never rebound), whose own private attributes are allowed."""

    def __init__(self, aliases: dict[str, set[str]], module: _Scope, allowlist: Allowlist) -> None:
        self.aliases = aliases
        self.found: list[Violation] = []
        self.receiver: str | None = None
        self.resolve = allowlist.resolve
        self.scopes = [module]
        self.bases: set[int] = set()  # ids of nodes that are the `x` of an `x.attr`
        self.plain_format: set[int] = set()  # ids of `"...".format` attributes found plain

    def _add(self, rule: str, what: str) -> None:
        v = Violation(rule, what[:_MAX_NAME])
        # a few are said (the first, and up to three as banned entries): bounded per statement
        if len(self.found) < _MAX_FOUND and v not in self.found:
            self.found.append(v)

    # --- what a name is ---------------------------------------------------------------------

    def _kind(self, name: str) -> str:
        """ "import", "var" or "builtin": what `name` is where it is read (Python's scoping)."""
        inner = self.scopes[-1]
        if name not in inner.globals:
            for scope in reversed(self.scopes[1:]):
                if scope.kind == "class" and scope is not inner:
                    continue  # a class body's names are not seen by the functions in it
                if name in scope.bound:
                    return scope.bound[name]
        return self.scopes[0].bound.get(name, "builtin")

    def _paths(self, node: ast.AST) -> list[str]:
        """The module paths an expression names (`F.relu` -> torch.nn.functional.relu), when it
        starts at an imported name (several when that name is imported as several things in
        different places: each is checked); else []."""
        if isinstance(node, ast.Name):
            return sorted(self.aliases.get(node.id, ())) if self._kind(node.id) == "import" else []
        if isinstance(node, ast.Attribute):
            return [f"{base}.{node.attr}" for base in self._paths(node.value)]
        return []

    def _dotted(self, node: ast.AST) -> str | None:
        """One of `_paths`, for messages."""
        paths = self._paths(node)
        return paths[0] if paths else None

    def _module_path(self, node: ast.AST) -> bool:
        """Does `node` name a module (so that its attributes are module attributes)?"""
        paths = self._paths(node)
        return bool(paths) and all(
            self.resolve(p).ok and self.resolve(p).module is not None for p in paths
        )

    def _reach(self, path: str) -> None:
        """A module path the code reaches: refused unless it leads to an allowed object."""
        if _denied(path):
            self._add("torch-internals", path)
            return
        r = self.resolve(path)
        if r.ok:
            return
        rule = r.rule
        if rule in ("module", "not-allowed"):  # say which kind of module or name it is
            top_level = r.what == path.split(".")[0]
            rule = "module" if _interpreter(r.what) else ("import" if top_level else "not-allowed")
        self._add(rule, r.what)

    # --- imports ----------------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._reach(a.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            self._add("import", "a relative import")
            return
        for a in node.names:
            if a.name == "*":
                self._add("import", f"from {node.module} import *")
            else:
                self._reach(f"{node.module}.{a.name}")

    # --- names and attributes ---------------------------------------------------------------

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            return
        kind = self._kind(node.id)
        if kind == "import":
            for path in sorted(self.aliases.get(node.id, ())):
                self._reach(path)
                r = self.resolve(path)
                if r.ok and r.module is not None and id(node) not in self.bases:
                    self._add("module-value", node.id)
        elif kind == "builtin":
            self._builtin(node.id)

    def _builtin(self, name: str) -> None:
        if name in REFLECTION:
            self._add("reflection", name)
        elif name in ATTRIBUTE_BUILTINS:
            self._add("dynamic-attribute", name)  # unless a call with a constant name (below)
        elif _dunder(name) and name != "__name__":
            self._add("dunder", name)
        elif name not in _ALLOWED_BUILTINS and hasattr(builtins, name):
            self._add("builtin", name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.bases.add(id(node.value))
        store = not isinstance(node.ctx, ast.Load)
        paths, bases = self._paths(node), self._paths(node.value)
        if not paths or all(self.resolve(b).ok and self.resolve(b).module is None for b in bases):
            # an attribute of a value (or of an allowed class: torch.Tensor.sum)
            self._attribute(node, node.value, node.attr, store)
        elif store:
            self._add("monkeypatch", paths[0])
        elif _denied(paths[0]):
            self._add("torch-internals", paths[0])
        elif _private(node.attr):  # os._exit, torch._C: named as the private path it is
            self._add("private", paths[0])
        elif id(node) not in self.bases:
            # the outermost link of a module path: what it leads to must be allowed (resolve
            # names the first link that is not); torch.nn in torch.nn.functional is on the way
            for path in paths:
                self._reach(path)
                r = self.resolve(path)
                if r.ok and r.module is not None:
                    self._add("module-value", path)
        self.generic_visit(node)

    def _attribute(self, node: ast.AST, base: ast.AST, attr: str, store: bool = False) -> None:
        """The checks on an attribute of a value, however it is written (x.attr,
        getattr(x, "attr")). `store`: it is assigned or deleted."""
        dotted = self._dotted(base)
        shown = f"{dotted or _shown(base)}.{attr}"
        if store and (
            dotted or isinstance(base, ast.Call)
        ):  # torch.Tensor.x = ...; type(x).y = ...
            self._add("monkeypatch", shown)
        if attr in FORMAT_METHODS and id(node) not in self.plain_format:
            self._add("format", shown)
        if _dunder(attr) and attr not in ALLOWED_DUNDERS:
            self._add("dunder", shown)
        elif attr.startswith("register_module_") or (_private(attr) and "hook" in attr):
            self._add("hooks", shown)
        elif _private(attr):
            own = isinstance(base, ast.Name) and base.id == self.receiver
            if not own or attr in _internal_names():
                self._add("private", shown)
        if attr in introspection_names():
            self._add("introspection", shown)

    def visit_Call(self, node: ast.Call) -> None:
        f, args = node.func, node.args
        if (
            isinstance(f, ast.Name)
            and f.id in ATTRIBUTE_BUILTINS
            and self._kind(f.id) == "builtin"
            and len(args) >= 2
            and isinstance(args[1], ast.Constant)
            and isinstance(args[1].value, str)
        ):
            # a constant name is an attribute access
            name, store = args[1].value, f.id in ("setattr", "delattr")
            if self._module_path(args[0]):
                for base in self._paths(args[0]):
                    self._add("monkeypatch", f"{base}.{name}") if store else self._reach(
                        f"{base}.{name}"
                    )
            else:
                self._attribute(node, args[0], name, store)
            for n in [*args, *node.keywords]:
                self.visit(n)
            return
        if isinstance(f, ast.Name) and f.id == "type" and self._kind("type") == "builtin":
            if len(args) != 1 or node.keywords:
                self._add("builtin", "type() with more than one argument")
        if (
            isinstance(f, ast.Attribute)
            and f.attr in FORMAT_METHODS
            and isinstance(f.value, ast.Constant)
            and isinstance(f.value.value, str)
            and _plain_template(f.value.value)
        ):
            self.plain_format.add(id(f))
        self.generic_visit(node)

    # --- definitions ------------------------------------------------------------------------

    def _decorators(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        for d in node.decorator_list:
            target = d.func if isinstance(d, ast.Call) else d
            ok = False
            if isinstance(target, ast.Name) and self._kind(target.id) == "builtin":
                ok = target.id in _DECORATOR_BUILTINS
            elif (
                isinstance(target, ast.Attribute)
                and target.attr in _PROPERTY_PARTS
                and isinstance(target.value, ast.Name)
                and self._kind(target.value.id) == "var"
            ):
                ok = True  # a property's @x.setter, in the class that defines x
            else:
                path = self._dotted(target)
                ok = path is not None and decorator_path(path)
            if not ok:
                self._add("decorator", _shown(d))
            self.visit(d)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._decorators(node)
        if node.keywords:
            self._add("syntax", f"class {node.name}(..., {node.keywords[0].arg}=...)")
        outer, self.receiver = self.receiver, None
        for n in node.bases:
            self.visit(n)
        self.scopes.append(_scope_of(node, "class"))
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._method(stmt)
            else:
                self.visit(stmt)
        self.scopes.pop()
        self.receiver = outer

    def _method(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        params = [*node.args.posonlyargs, *node.args.args]
        first = params[0].arg if params else None
        scope = _scope_of(node, "function")
        # `self` is the receiver unless the method rebinds it (or declares names global)
        rebound = first in scope.assigned or scope.declares
        self.receiver = None if rebound else first
        self._function(node, scope)
        self.receiver = None

    def _function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        scope: _Scope | None = None,
    ) -> None:
        if not isinstance(node, ast.Lambda):
            self._decorators(node)
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(default)  # evaluated where the def is
        self.scopes.append(scope or _scope_of(node, "function"))
        outer = self.receiver
        for child in node.body if isinstance(node.body, list) else [node.body]:
            self.visit(child)
        self.receiver = outer
        self.scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        outer, self.receiver = self.receiver, None  # a nested function's `self` is free
        self._function(node)
        self.receiver = outer

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


def _shown(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:_MAX_NAME]
    except Exception:  # noqa: BLE001 - e.g. too deep to unparse
        return type(node).__name__


def _interpreter(path: str) -> bool:
    return path.split(".")[0] in INTERPRETER or any(p in INTERPRETER for p in path.split(".")[1:2])


def _module_scope(
    kept: list[Kept],
) -> tuple[dict[str, set[str]], _Scope, dict[int, Violation]]:
    """One walk over the kept code: every name an import anywhere binds -> the dotted paths
    it names; the module's own scope (what its kept top-level statements bind); and each
    statement's first construct outside the syntax allowlist."""
    aliases: dict[str, set[str]] = {}
    syntax: dict[int, Violation] = {}
    for k in kept:
        for n in ast.walk(k.node):
            if type(n) not in SYNTAX and id(k) not in syntax:
                syntax[id(k)] = Violation("syntax", type(n).__name__)
            if isinstance(n, ast.Import):
                for a in n.names:
                    name = a.asname or a.name.split(".")[0]
                    aliases.setdefault(name, set()).add(a.name if a.asname else name)
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                for a in n.names:
                    if a.name != "*":
                        aliases.setdefault(a.asname or a.name, set()).add(f"{n.module}.{a.name}")
    module = _Scope("module")
    for k in kept:
        wrapper = ast.Module(body=[k.node], type_ignores=[])
        for name, kind in _scope_of(wrapper, "module").bound.items():
            if module.bound.get(name) != "import":
                module.bound[name] = kind
    return aliases, module, syntax


def check(kept: list[Kept]) -> dict[int, list[Violation]]:
    """id(kept statement) -> the rules it breaks (statements that break none are left out)."""
    aliases, module, syntax = _module_scope(kept)
    allowlist = Allowlist()  # the objects as bound now (torch rebinds some after import)
    out = {}
    for k in kept:
        checker = _Checker(aliases, module, allowlist)
        try:
            if id(k) in syntax:
                checker.found.append(syntax[id(k)])
            checker.visit(k.node)
        except RecursionError:  # e.g. a sum of 2000 terms: what cannot be checked is refused
            checker.found.append(Violation("nesting", getattr(k.node, "name", "the statement")))
        if checker.found:
            out[id(k)] = checker.found
    return out


def enforce(extracted: Extracted) -> dict[str, list[str]]:
    """Unload every kept statement that breaks the policy; return graded function -> its
    violations as banned entries (it scores 0), and add a problem naming rule and place."""
    graded = {id(node): fn for fn, node in extracted.defs.items()}
    found = check(extracted.kept)
    refused: dict[str, list[str]] = {}
    dropped = [k for k in extracted.kept if id(k) in found]
    extracted.drop(dropped)
    for k in dropped:
        fn = graded.get(id(k.node))
        name = getattr(k.node, "name", None)
        loaded = f"{name} was not loaded" if name else "this statement was not loaded"
        v = found[id(k)][0]  # one line a statement: the first rule it breaks
        extracted.note(
            f"{k.where}: `{v.what}` breaks code policy rule {v.rule} "
            f"({RULES[v.rule]}); {loaded}{' and scores 0' if fn else ''}"
        )
        if fn:
            refused[fn] = [v.entry() for v in found[id(k)][:3]]
            extracted.missing.setdefault(fn, f"{fn} was not loaded: it breaks the code policy")
    return refused
