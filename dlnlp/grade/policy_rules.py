"""The code policy as data: what code kept from a notebook may import and touch, and what each
rule tells a student (dlnlp/grade/policy.py applies it). A rule's id is stable: feedback, the
README and tests name it.
"""

from __future__ import annotations

# top-level packages graded code may import: the course's libraries and harmless stdlib
ALLOWED_IMPORTS = frozenset(
    "__future__ bisect collections copy functools heapq itertools math matplotlib numpy "
    "pathlib random re statistics time torch tqdm typing".split()
)
# modules importable for a few attributes only (the lab's progress() prints to sys.stdout)
RESTRICTED = {"sys": frozenset({"stdout", "stderr", "maxsize", "float_info", "version_info"})}
# public paths of allowed packages that reach below the public API, load code (pickle, C++) or
# address memory unchecked (numpy's as_strided)
DENIED = (
    "torch.ops", "torch.library", "torch.overrides", "torch.jit", "torch.compile",
    "torch.compiler", "torch.fx", "torch.export", "torch.package", "torch.hub", "torch.load",
    "torch.serialization", "torch.multiprocessing", "torch.distributed", "torch.utils.cpp_extension",
    "torch.utils.hooks", "torch.nn.modules.module", "numpy.ctypeslib", "numpy.load", "numpy.lib.stride_tricks",
    "numpy.lib.format", "numpy.f2py", "typing.get_type_hints", "typing.ForwardRef",
)  # fmt: skip
# dunder attributes that only name or call an object's own protocol
ALLOWED_DUNDERS = frozenset(
    "__init__ __name__ __qualname__ __doc__ __module__ __version__ __len__ __call__ __getitem__ "
    "__setitem__ __iter__ __next__ __enter__ __exit__ __repr__ __str__ __contains__ "
    "__post_init__".split()
)
REFLECTION = frozenset("eval exec compile __import__ globals locals vars breakpoint".split())
ATTRIBUTE_BUILTINS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
# attributes of generators, coroutines, frames, tracebacks and code objects
FRAMES = frozenset(
    "gi_frame gi_code gi_yieldfrom cr_frame cr_code cr_await ag_frame ag_code f_back f_globals "
    "f_locals f_builtins f_code tb_frame tb_next co_code co_consts co_names".split()
)
# modules that reach the interpreter or the grader; REACHING: also as an attribute of anything
INTERPRETER = frozenset(
    "sys os gc inspect ctypes importlib builtins types operator marshal pickle subprocess socket "
    "signal threading multiprocessing posix io linecache traceback warnings weakref code codeop "
    "runpy pkgutil site dlnlp".split()
)
REACHING = frozenset(
    "sys os gc inspect ctypes importlib builtins marshal pickle subprocess posix linecache "
    "traceback weakref runpy pkgutil dlnlp".split()
)
TORCH_ATTRIBUTES = frozenset({"ops", "library", "overrides", "jit", "fx", "cpp_extension"})

RULES = {
    "import": "import only " + ", ".join(sorted(ALLOWED_IMPORTS - {"__future__"})),
    "private": "names starting with _ are internals (torch._C, torch._VF, x._y): use the public "
    "API; your own classes may use self._name",
    "torch-internals": "torch.ops, torch.library, torch.jit, torch.load and the like reach below "
    "torch's public functions: use the public API",
    "dunder": "double-underscore attributes (__wrapped__, __class__, __dict__, __globals__...) "
    "reach Python's internals",
    "reflection": "eval, exec, compile, __import__, globals, locals, vars and breakpoint run or "
    "find code by name: write the code itself",
    "dynamic-attribute": "getattr, setattr, hasattr and delattr need a constant attribute name",
    "introspection": "frames and code objects (gi_frame, f_globals, tb_frame...) are off limits",
    "module": "modules such as sys, os, gc, inspect and importlib may not be reached",
    "module-value": "use a module only as module.name: do not store it or pass it on",
    "nesting": "it is nested too deeply to check: split the expression into steps",
    "monkeypatch": "do not assign to the attributes of torch, numpy or their classes",
    "hooks": "a module's hook tables belong to the grader (use register_forward_hook on your "
    "own modules)",
}
