"""Code -> the same code as a student who copied it might hand it in: local variables renamed,
the comments rewritten, blank lines added, optionally the functions in another order. Makes
the copied sample of examples/ and the planted copies `dlnlp similarity` is tested on."""

from __future__ import annotations

import ast
import builtins
import random

from dlnlp.parsing import parse

WORDS = "acc buf cur tmp val out res nxt prev hid mem gate part step tot aux new old".split()
COMMENTS = [
    "# compute it step by step",
    "# as in the lecture",
    "# TODO double-check the shapes",
    "# my version",
    "# see the docstring",
    "# works on the examples",
]


def _renamed(item: ast.stmt, rng: random.Random, args: bool) -> ast.stmt:
    """`item` (a def or class) with every name it assigns renamed (its arguments too if
    `args`): never a builtin, a module or another global it only reads."""
    taken = {n.id for n in ast.walk(item) if isinstance(n, ast.Name)} | set(dir(builtins))
    stored = {
        n.id for n in ast.walk(item) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    if args:
        stored |= {a.arg for a in ast.walk(item) if isinstance(a, ast.arg)} - {"self", "cls"}
    mapping: dict[str, str] = {}
    for name in sorted(stored - set(dir(builtins))):
        new = f"{rng.choice(WORDS)}_{name[:1].lower()}{rng.randrange(10)}"
        while new in taken:
            new += "x"
        taken.add(new)
        mapping[name] = new

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            node.id = mapping.get(node.id, node.id)
            return node

        def visit_arg(self, node: ast.arg) -> ast.arg:
            node.arg = mapping.get(node.arg, node.arg)
            return node

    return Rename().visit(item)


def _commented(source: str, rng: random.Random) -> str:
    """`source` with a comment or a blank line before some of its statements."""
    lines = []
    for i, line in enumerate(source.splitlines()):
        indent = line[: len(line) - len(line.lstrip())]
        if i and rng.random() < 0.3:
            lines.append(indent + rng.choice(COMMENTS))
        if i and rng.random() < 0.2:
            lines.append("")
        lines.append(line)
    return "\n".join(lines)


def disguise(code: str, seed: int = 0, *, args: bool = False, reverse: bool = False) -> str:
    """`code` (a module of defs and classes) as a copier might hand it in; the same for the
    same seed. `args`: rename the arguments too; `reverse`: the defs in the reverse order."""
    rng = random.Random(seed)
    tree = parse(code)
    items = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    rest = [
        ast.unparse(n)
        for n in tree.body
        if n not in items and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
    ]
    if reverse:
        items.reverse()
    defs = [_commented(ast.unparse(_renamed(n, rng, args)), rng) for n in items]
    return "\n".join(rest) + "\n\n\n" + "\n\n\n".join(defs) + "\n"
