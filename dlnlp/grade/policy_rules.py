"""The code policy's rules as data: the syntax a kept statement may use, the dunders it may
touch, and what each rule tells a student (dlnlp/grade/policy.py applies them; the names a
statement may reach are dlnlp/grade/allowlist.py). A rule's id is stable: feedback, docs/security.md
and tests name it.
"""

from __future__ import annotations

import ast

from dlnlp.grade.allowlist import NAMES

# The syntax kept code may use: every node of a kept statement is one of these. Left out:
# async code (async def, await, async for/with), `match` (its class patterns read attributes
# through __match_args__) and `except*`. Annotations are removed before the code is checked
# or compiled (dlnlp.parsing.strip_annotations), so they are never evaluated.
SYNTAX = frozenset(
    [
        # statements
        ast.FunctionDef, ast.ClassDef, ast.Return, ast.Delete, ast.Assign, ast.AugAssign,
        ast.For, ast.While, ast.If, ast.With, ast.Raise, ast.Try, ast.Assert, ast.Import,
        ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Expr, ast.Pass, ast.Break, ast.Continue,
        # expressions
        ast.BoolOp, ast.NamedExpr, ast.BinOp, ast.UnaryOp, ast.Lambda, ast.IfExp, ast.Dict,
        ast.Set, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Yield,
        ast.YieldFrom, ast.Compare, ast.Call, ast.FormattedValue, ast.JoinedStr, ast.Constant,
        ast.Attribute, ast.Subscript, ast.Starred, ast.Name, ast.List, ast.Tuple, ast.Slice,
        # their parts
        ast.Load, ast.Store, ast.Del, ast.And, ast.Or, ast.Add, ast.Sub, ast.Mult, ast.MatMult,
        ast.Div, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr, ast.BitXor, ast.BitAnd,
        ast.FloorDiv, ast.Invert, ast.Not, ast.UAdd, ast.USub, ast.Eq, ast.NotEq, ast.Lt,
        ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn, ast.comprehension,
        ast.ExceptHandler, ast.arguments, ast.arg, ast.keyword, ast.alias, ast.withitem,
    ]
)  # fmt: skip

# dunder attributes that only name or call an object's own protocol
ALLOWED_DUNDERS = frozenset(
    "__init__ __name__ __qualname__ __doc__ __module__ __version__ __len__ __call__ __getitem__ "
    "__setitem__ __iter__ __next__ __enter__ __exit__ __repr__ __str__ __contains__ "
    "__post_init__".split()
)
# builtins that run or find code by name (refused as rule reflection; any other builtin not in
# allowlist.BUILTINS is rule builtin)
REFLECTION = frozenset("eval exec compile __import__ globals locals vars breakpoint".split())
ATTRIBUTE_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
# str methods whose template reads attributes and items ("{0.__globals__}".format(f)): allowed
# on a constant template whose fields are plain ({}, {0}, {name}, with a format spec)
FORMAT_METHODS = frozenset({"format", "format_map"})
# modules named in a message as reaching the interpreter (rule module, not import); whether a
# module may be imported at all is the allowlist's to say
INTERPRETER = frozenset(
    "sys os gc inspect ctypes importlib builtins types operator marshal pickle subprocess socket "
    "signal threading multiprocessing posix io linecache traceback warnings weakref code codeop "
    "runpy pkgutil site dlnlp".split()
)
# public paths below torch's public functions (or numpy's unchecked memory), named in a message
# as such (rule torch-internals); none of them is on the allowlist anyway
DENIED = (
    "torch.ops", "torch.library", "torch.overrides", "torch.jit", "torch.compile",
    "torch.compiler", "torch.fx", "torch.export", "torch.package", "torch.hub", "torch.load",
    "torch.serialization", "torch.multiprocessing", "torch.distributed", "torch.utils.cpp_extension",
    "torch.utils.hooks", "torch.nn.modules.module", "numpy.ctypeslib", "numpy.load", "numpy.lib.stride_tricks",
    "numpy.lib.format", "numpy.f2py", "typing.get_type_hints", "typing.ForwardRef",
)  # fmt: skip

_ALLOWED_TOPS = sorted({m.split(".")[0] for m in NAMES} - {"__future__"})

RULES = {
    "syntax": "async code, match statements, except* and class keywords (metaclass=...) are "
    "not needed here: write plain functions and classes",
    "decorator": "decorators are limited to staticmethod, classmethod, property (and its "
    ".setter), functools' lru_cache, cache, wraps and cached_property, and torch.no_grad, "
    "enable_grad and inference_mode",
    "not-allowed": "it is not on the course's list of allowed APIs (dlnlp/grade/allowlist.py): "
    "use the torch, numpy or Python function the assignment calls for",
    "import": "import only " + ", ".join(_ALLOWED_TOPS) + " (and their public modules)",
    "builtin": "this builtin is not available in graded code (open, input, dir, memoryview...)",
    "private": "names starting with _ are internals (torch._C, torch._VF, x._y): use the public "
    "API; your own classes may use the self._name attributes they set",
    "torch-internals": "torch.ops, torch.library, torch.jit, torch.load and the like reach below "
    "torch's public functions: use the public API",
    "dunder": "double-underscore attributes (__wrapped__, __class__, __dict__, __globals__...) "
    "reach Python's internals",
    "reflection": "eval, exec, compile, __import__, globals, locals, vars and breakpoint run or "
    "find code by name: write the code itself",
    "dynamic-attribute": "getattr, setattr, hasattr and delattr need a constant attribute name",
    "introspection": "frames and code objects (gi_frame, f_globals, tb_frame...) are off limits",
    "format": "str.format reads attributes named in its template: use an f-string (or a "
    "constant template with plain fields like {} or {:.3f})",
    "module": "modules such as sys, os, gc, inspect and importlib may not be reached",
    "module-value": "use a module only as module.name: do not store it or pass it on",
    "nesting": "it is nested too deeply to check: split the expression into steps",
    "monkeypatch": "do not assign to the attributes of torch, numpy or their classes",
    "hooks": "a module's hook tables belong to the grader (use register_forward_hook on your "
    "own modules)",
}
