"""The code policy: what code kept from a notebook may use, checked on the trusted side over
every statement the worker will run (extract.Kept), before anything runs.

The policy closes the ways round a ban and into the worker's trusted state: torch's private
and dispatch-level namespaces, reflection (dunders, frames, dynamic attribute names, eval), and
modules that reach the interpreter (sys, gc, inspect, ctypes, importlib, dlnlp). Each rule has
a stable id and says what to do instead (RULES). A statement that breaks a rule never runs: a
graded function or class that breaks one scores 0, and any other statement is not loaded, with
a problem naming the rule and the cell (`enforce`). Code that passes can still misbehave at run
time; the sandbox and the run-time guards hold that (README, "What a ban guarantees").
"""

from __future__ import annotations

import ast
import functools
import sys
import types
from dataclasses import dataclass

from dlnlp.grade.extract import Extracted, Kept
from dlnlp.grade.policy_rules import (
    ALLOWED_DUNDERS,
    ALLOWED_IMPORTS,
    ATTRIBUTE_BUILTINS,
    DENIED,
    FRAMES,
    INTERPRETER,
    REACHING,
    REFLECTION,
    RESTRICTED,
    RULES,
    TORCH_ATTRIBUTES,
)

_MAX_NAME = 80  # a student's identifier, as shown back
_MAX_FOUND = 10  # violations kept per statement


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


@functools.cache
def _internal_names() -> frozenset[str]:
    """Private names of the objects a method's `self` could be made to be (a tensor, a module:
    `MyClass.method(model)`): `self._x` may not be one of them. Modules cannot be passed."""
    import torch

    objects = (torch.Tensor, torch.nn.Parameter, torch.nn.Module, torch.nn.Module())
    return frozenset(n for obj in objects for n in dir(obj) if _private(n))


@functools.cache
def _is_module(path: str) -> bool:
    """Whether `path` names a module: resolved in this process, or, for a package not loaded
    here (matplotlib), by what an `import a.b` statement binds."""
    top, *attrs = path.split(".")
    obj = sys.modules.get(top)
    if obj is None or not _public(path):
        return not attrs or path in sys.modules
    for attr in attrs:
        obj = getattr(obj, attr, None)
    return isinstance(obj, types.ModuleType)


def _public(path: str) -> bool:
    parts = path.split(".")
    return len(parts) <= 8 and not any(p.startswith("_") for p in parts)


def _denied(path: str) -> bool:
    return any(path == d or path.startswith(d + ".") for d in DENIED)


@functools.cache
def _reach(path: str) -> Violation | None:
    """Follow `path` (torch.nn.functional.torch.ops) through the trusted process's own modules;
    a violation when it reaches a denied path or a module outside the allowed packages."""
    top, *attrs = path.split(".")
    if _denied(path):
        return Violation("torch-internals", path)
    if not _public(path):
        return None  # refused as private anyway; resolving it could import torch._dynamo here
    obj = sys.modules.get(top)
    canonical = top
    for attr in attrs:
        if not isinstance(obj, types.ModuleType):
            return None
        try:
            obj = getattr(obj, attr)
        except Exception:  # noqa: BLE001 - a name it lacks fails at run time instead
            return None
        canonical = obj.__name__ if isinstance(obj, types.ModuleType) else f"{canonical}.{attr}"
        if _denied(canonical):
            return Violation("torch-internals", canonical)
        if isinstance(obj, types.ModuleType) and canonical.split(".")[0] not in ALLOWED_IMPORTS:
            return Violation("module", path)
    return None


class _Checker(ast.NodeVisitor):
    """Collects the violations in one statement. `receiver`: the `self` of the method being
    visited (its first parameter, never rebound), whose own private attributes are allowed."""

    def __init__(self, aliases: dict[str, str], modules: set[str]) -> None:
        self.aliases, self.modules, self.found, self.receiver = aliases, modules, [], None
        self.bases: set[int] = set()  # ids of nodes that are the `x` of an `x.attr`

    def _add(self, rule: str, what: str) -> None:
        v = Violation(rule, what[:_MAX_NAME])
        # a few are said (the first, and up to three as banned entries): bounded per statement
        if len(self.found) < _MAX_FOUND and v not in self.found:
            self.found.append(v)

    def _dotted(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def _import(self, path: str) -> None:
        top, _, rest = path.partition(".")
        if top in RESTRICTED and (not rest or rest in RESTRICTED[top]):
            return
        if top not in ALLOWED_IMPORTS:
            self._add("module" if top in INTERPRETER else "import", path)
        elif any(_private(p) for p in path.split(".")):
            self._add("private", path)
        elif v := _reach(path):
            self._add(v.rule, v.what)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._import(a.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            self._add("import", "a relative import")
            return
        for a in node.names:
            if a.name == "*":
                self._add("import", f"from {node.module} import *")
            else:
                self._import(
                    node.module if node.module == "__future__" else f"{node.module}.{a.name}"
                )

    def _attribute(self, base: ast.AST, attr: str, store: bool = False) -> None:
        """The checks on `base.attr`, however it is written (x.attr, getattr(x, "attr")).
        `store`: it is assigned or deleted."""
        dotted = self._dotted(base)
        shown = f"{dotted or ast.unparse(base)[:_MAX_NAME]}.{attr}"
        if store and dotted:  # torch.allclose = ..., torch.Tensor.any = ...
            self._add("monkeypatch", shown)
        if _dunder(attr) and attr not in ALLOWED_DUNDERS:
            self._add("dunder", shown)
        elif attr.startswith("register_module_") or (_private(attr) and "hook" in attr):
            self._add("hooks", shown)
        elif _private(attr):
            own = isinstance(base, ast.Name) and base.id == self.receiver
            if not own or attr in _internal_names():
                self._add("private", shown)
        if dotted in RESTRICTED and attr not in RESTRICTED[dotted]:
            self._add("module", shown)
        if attr in FRAMES:
            self._add("introspection", shown)
        if attr in REACHING:
            self._add("module", shown)
        if attr in TORCH_ATTRIBUTES:
            self._add("torch-internals", shown)
        if dotted and (v := _reach(f"{dotted}.{attr}")):
            self._add(v.rule, v.what)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.bases.add(id(node.value))
        self._attribute(node.value, node.attr, not isinstance(node.ctx, ast.Load))
        dotted = self._dotted(node)
        if id(node) not in self.bases and dotted and _is_module(dotted):
            self._add("module-value", dotted)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        path = self.aliases.get(node.id)
        module = node.id in self.modules or (path and _is_module(path))
        if module and id(node) not in self.bases:
            self._add("module-value", node.id)
        if node.id in REFLECTION:
            self._add("reflection", node.id)
        elif node.id in ATTRIBUTE_BUILTINS:
            self._add("dynamic-attribute", node.id)  # unless a call with a constant name (below)
        elif _dunder(node.id) and node.id != "__name__":
            self._add("dunder", node.id)
        elif path and (v := _reach(path)):
            self._add(v.rule, v.what)
        top = (path or "").split(".")[0]
        if path and top not in ALLOWED_IMPORTS and top not in RESTRICTED:
            self._add("module" if top in INTERPRETER else "import", node.id)
        elif path and any(_private(p) for p in path.split(".")):
            self._add("private", path)  # from torch import _VF (the import itself is refused)

    def visit_Call(self, node: ast.Call) -> None:
        f, args = node.func, node.args
        if (
            isinstance(f, ast.Name)
            and f.id in ATTRIBUTE_BUILTINS
            and len(args) >= 2
            and isinstance(args[1], ast.Constant)
            and isinstance(args[1].value, str)
        ):
            # a constant name is an attribute access
            self._attribute(args[0], args[1].value, f.id in ("setattr", "delattr"))
            for n in [*args, *node.keywords]:
                self.visit(n)
            return
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for attr in node.kwd_attrs:  # `case object(_forward_hooks=h)` reads an attribute too
            self._attribute(ast.Name(id="<matched>"), attr)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer, self.receiver = self.receiver, None
        for n in [*node.bases, *node.keywords, *node.decorator_list]:
            self.visit(n)
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._method(stmt)
            else:
                self.visit(stmt)
        self.receiver = outer

    def _method(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        params = [*node.args.posonlyargs, *node.args.args]
        first = params[0].arg if params else None
        rebound = any(
            isinstance(n, ast.Name) and n.id == first and not isinstance(n.ctx, ast.Load)
            for n in ast.walk(node)
        ) or any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(node))
        self.receiver = None if rebound else first
        self._function(node)
        self.receiver = None

    def _function(self, node: ast.AST) -> None:
        outer = self.receiver
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                self.receiver = None  # a nested function's `self` is a free variable
                self.visit(child)
                self.receiver = outer
            else:
                self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.receiver = self.receiver, None
        self._function(node)
        self.receiver = outer

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


def _aliases(kept: list[Kept]) -> tuple[dict[str, str], set[str]]:
    """Every name an import anywhere in the kept code binds -> the dotted path it names; and
    the names `import` statements bind (modules, even of packages this process lacks)."""
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    for k in kept:
        for n in ast.walk(k.node):
            if isinstance(n, ast.Import):  # binds a module, even one this process lacks
                modules.update(a.asname or a.name.split(".")[0] for a in n.names)
                for a in n.names:
                    aliases[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0]
                    )
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                for a in n.names:
                    aliases[a.asname or a.name] = f"{n.module}.{a.name}"
    return aliases, modules


def check(kept: list[Kept]) -> dict[int, list[Violation]]:
    """id(kept statement) -> the rules it breaks (statements that break none are left out)."""
    aliases, modules = _aliases(kept)
    out = {}
    for k in kept:
        checker = _Checker(aliases, modules)
        try:
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
