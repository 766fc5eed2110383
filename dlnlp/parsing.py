"""`ast.parse` under one lock, for every parse in the trusted process.

CPython 3.11's AST constructor is not thread-safe: two threads parsing at once can raise
`SystemError: AST constructor recursion depth mismatch` (gh-106905), and the grader extracts
notebooks from several threads. A parse takes milliseconds, so serializing them costs nothing
that matters.
"""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse(source, filename)`, one thread at a time."""
    with _LOCK:
        return ast.parse(source, filename)


def strip_annotations(tree: ast.Module) -> ast.Module:
    """`tree` without annotations, in place: parameter and return annotations go, `x: T = v`
    becomes `x = v` and `x: T` a `pass` (so top-level statements keep their indices). What a
    student writes as an annotation is never evaluated, by anything (a string annotation is
    code that typing.get_type_hints or functools.singledispatch would run). Iterative, so a
    tree too deep to recurse over is handled too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        for name, value in ast.iter_fields(node):
            if isinstance(value, list) and any(isinstance(v, ast.AnnAssign) for v in value):
                setattr(node, name, [_unannotated(v) for v in value])
    return tree


def _unannotated(node: ast.AST) -> ast.AST:
    if not isinstance(node, ast.AnnAssign):
        return node
    if node.value is None:  # `x: int`: a declaration only, nothing to run
        return ast.copy_location(ast.Pass(), node)
    return ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)
