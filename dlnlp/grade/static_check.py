"""Static detection of banned APIs in a graded function's source (the run-time guard in the
worker is the other half: this one also catches code paths the hidden tests never reach)."""

from __future__ import annotations

import ast

from dlnlp.grade.extract import Extracted


def _aliases(
    module_level: list[ast.stmt], short: dict[str, str], own_defs: set[str]
) -> dict[str, str]:
    """Module-level names bound to a banned API: `from torch.nn.functional import sdpa as f`, `f = F.sdpa`."""
    found: dict[str, str] = {}
    for stmt in module_level:
        if isinstance(stmt, ast.ImportFrom):
            for a in stmt.names:
                if a.name in short:
                    found[a.asname or a.name] = short[a.name]
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            hit = _uses(stmt.value, short, {})
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                if hit and isinstance(t, ast.Name):
                    found[t.id] = hit[0]
    return {k: v for k, v in found.items() if k not in own_defs}


def _uses(node: ast.AST, short: dict[str, str], aliases: dict[str, str]) -> list[str]:
    hits: list[str] = []
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(node)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    for n in ast.walk(node):
        name = None
        if isinstance(n, ast.Attribute) and n.attr in short:
            name = short[n.attr]
        elif isinstance(n, ast.Name) and n.id in aliases:
            name = aliases[n.id]
        elif isinstance(n, ast.ImportFrom):
            name = next((short[a.name] for a in n.names if a.name in short), None)
        elif (
            isinstance(n, ast.Constant)
            and isinstance(n.value, str)
            and n.value in short
            and id(n) not in docstrings
        ):
            name = short[n.value]  # getattr(F, "scaled_dot_product_attention")
        if name and name not in hits:
            hits.append(name)
    return hits


def banned_uses(extracted: Extracted, function: str, banned: list[str]) -> list[str]:
    """The banned APIs (dotted names) that `function`'s source refers to."""
    if not banned or function not in extracted.defs:
        return []
    short = {dotted.rsplit(".", 1)[-1]: dotted for dotted in banned}
    aliases = _aliases(extracted.module_level, short, set(extracted.defs))
    return _uses(extracted.defs[function], short, aliases)
