"""Static detection of banned APIs in a graded function's source (the run-time guard in the
worker is the other half: this one also sees code paths the hidden tests never reach).

Names are resolved through the notebook's imports and aliases to full dotted paths
(`F.sigmoid` -> `torch.nn.functional.sigmoid`) and compared with the banned entries; an entry
bans itself and everything below it (`torch.autograd` bans `torch.autograd.grad`). A banned
tensor method (`torch.Tensor.sigmoid`) is seen on any receiver (`z.sigmoid()`), since a
variable's type is unknown before run time.
"""

from __future__ import annotations

import ast

from dlnlp.grade.extract import Extracted


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`F.sigmoid` -> 'torch.nn.functional.sigmoid' when F is a known alias; else None."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _bind(stmt: ast.stmt, aliases: dict[str, str]) -> None:
    """Record the names an import or an alias assignment binds."""
    if isinstance(stmt, ast.Import):
        for a in stmt.names:
            if a.asname:
                aliases[a.asname] = a.name
            else:
                top = a.name.split(".")[0]
                aliases[top] = top
    elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
        for a in stmt.names:
            aliases[a.asname or a.name] = f"{stmt.module}.{a.name}"
    elif (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
    ):
        target = _dotted(stmt.value, aliases)
        if target:
            aliases[stmt.targets[0].id] = target


def _match(dotted: str | None, banned: list[str]) -> str | None:
    if dotted:
        for b in banned:
            if dotted == b or dotted.startswith(b + "."):
                return b
    return None


def _methods(banned: list[str]) -> dict[str, str]:
    """Banned methods by name: entries whose parent is a class (`torch.Tensor.sigmoid`); a ban
    of torch.autograd also bans calling a graph's backward functions (`y.grad_fn(g)`)."""
    out = {a: "torch.autograd" for a in ("grad_fn", "next_functions") if "torch.autograd" in banned}
    for b in banned:
        parts = b.split(".")
        if len(parts) >= 3 and parts[-2][:1].isupper():
            out[parts[-1]] = b
    return out


def banned_uses(extracted: Extracted, function: str, banned: list[str]) -> list[str]:
    """The banned entries that `function`'s source uses, or the source of a notebook-level
    function or class it names (a helper), and theirs in turn: the ban covers what the graded
    function runs, as the run-time guard does."""
    node = extracted.defs.get(function)
    if not banned or node is None:
        return []
    try:
        return _uses(extracted, _with_helpers(extracted, node), banned)
    except RecursionError:  # nested too deeply to read: the code policy has refused it already
        return []


def _with_helpers(extracted: Extracted, node: ast.AST) -> list[ast.AST]:
    """`node` and every kept top-level def or class it names, transitively (each once)."""
    defs: dict[str, ast.AST] = {}
    for k in extracted.kept:
        if isinstance(k.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[k.node.name] = k.node  # the last of a name, as loading leaves it
    found, todo = [node], [node]
    seen = {id(node)}
    while todo:
        for n in ast.walk(todo.pop()):
            helper = defs.get(n.id) if isinstance(n, ast.Name) else None
            if helper is not None and id(helper) not in seen:
                seen.add(id(helper))
                found.append(helper)
                todo.append(helper)
    return found


def _uses(extracted: Extracted, nodes: list[ast.AST], banned: list[str]) -> list[str]:
    aliases: dict[str, str] = {}
    for stmt in extracted.module_level:
        _bind(stmt, aliases)
    for name in extracted.defined:  # the notebook's own functions shadow imported names
        aliases.pop(name, None)
    for node in nodes:
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Import, ast.ImportFrom, ast.Assign)):
                _bind(inner, aliases)
    methods = _methods(banned)
    hits: list[str] = []
    for n in (n for node in nodes for n in ast.walk(node)):
        hit = None
        if isinstance(n, (ast.Name, ast.Attribute)):
            hit = _match(_dotted(n, aliases), banned)
            if hit is None and isinstance(n, ast.Attribute) and n.attr in methods:
                hit = methods[n.attr]
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names = (
                [a.name for a in n.names]
                if isinstance(n, ast.Import)
                else [f"{n.module}.{a.name}" for a in n.names]
            )
            hit = next(filter(None, (_match(d, banned) for d in names)), None)
        elif isinstance(n, ast.Call) and len(n.args) >= 2 and isinstance(n.args[1], ast.Constant):
            # getattr(F, "scaled_dot_product_attention"), getattr(z, "sigmoid")
            if (
                isinstance(n.func, ast.Name)
                and n.func.id == "getattr"
                and isinstance(n.args[1].value, str)
            ):
                name = n.args[1].value
                base = _dotted(n.args[0], aliases)
                hit = _match(f"{base}.{name}", banned) if base else methods.get(name)
        elif isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Constant):
            func = _dotted(n.func, aliases)
            if func in ("importlib.import_module", "builtins.__import__") and isinstance(
                n.args[0].value, str
            ):
                hit = _match(n.args[0].value, banned)
        if hit and hit not in hits:
            hits.append(hit)
    return hits
