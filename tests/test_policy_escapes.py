"""Is every known way out of a Python sandbox refused by the code policy, and named?

A corpus of escapes from the pyjail write-ups and the kit's own security reviews (issues 12 and
27): reflection, dunder walks, frames and tracebacks, format strings that read attributes,
functions re-exported under another module's name, APIs that evaluate a string or unpickle,
decorators and annotations that run code, unusual syntax. Each is the graded function `f` of a
one-cell notebook; the policy must refuse it (f not loaded, 0 points) naming the rule.
"""

from __future__ import annotations

import ast

import nbformat
import pytest

from dlnlp.grade import policy
from dlnlp.grade.extract import extract

# (rule, code): the code's graded function `f` reaches out through a route the rule closes
ESCAPES = [
    # the object graph from a literal
    ("dunder", "def f():\n    return ().__class__.__base__.__subclasses__()\n"),
    ("dunder", "def f():\n    return [].__class__.__mro__[1].__subclasses__()\n"),
    ("dunder", "def f():\n    return object.__subclasses__()\n"),
    ("dunder", "def f():\n    return type.__subclasses__(object)\n"),
    ("dunder", "def f():\n    return getattr((), '__class__')\n"),
    ("dynamic-attribute", "def f():\n    return getattr((), '__cla' + 'ss__')\n"),
    ("dynamic-attribute", "import functools\ndef f(m):\n    return functools.reduce(getattr, ['a'], m)\n"),
    ("dunder", "def f():\n    return __builtins__['eval']\n"),
    # code from a string
    ("reflection", "def f():\n    return eval('1 + 1')\n"),
    ("reflection", "def f():\n    exec('import os')\n"),
    ("reflection", "def f():\n    return compile('1', 'x', 'eval')\n"),
    ("reflection", "def f():\n    return __import__('os')\n"),
    ("reflection", "def f():\n    return globals()['__builtins__']\n"),
    ("reflection", "def f():\n    return vars()\n"),
    ("reflection", "def f():\n    return locals()\n"),
    ("reflection", "def f():\n    breakpoint()\n"),
    # builtins that reach outside
    ("builtin", "def f():\n    return open('/etc/passwd').read()\n"),
    ("builtin", "def f():\n    return input()\n"),
    ("builtin", "def f():\n    return dir()\n"),
    ("builtin", "def f():\n    return type('X', (), {})\n"),
    # modules that reach the interpreter
    ("module", "def f():\n    import os\n    return os.system('id')\n"),
    ("module", "def f():\n    from os import system\n    return system\n"),
    ("module", "def f():\n    import importlib\n    return importlib.import_module('os')\n"),
    ("module", "def f():\n    import subprocess\n"),
    ("module", "def f():\n    import ctypes\n"),
    ("module", "def f():\n    import pickle\n"),
    ("module", "def f():\n    import builtins\n"),
    ("module", "def f():\n    import sys\n    return sys.modules\n"),
    ("private", "def f():\n    import sys\n    return sys._getframe()\n"),
    ("module", "import torch\ndef f():\n    return torch.sys.modules\n"),
    # frames, tracebacks, code objects
    ("introspection", "def f():\n    return (x for x in []).gi_frame.f_back.f_globals\n"),
    ("dunder", "def f():\n    try:\n        1 / 0\n    except Exception as e:\n        return e.__traceback__.tb_frame\n"),
    ("dunder", "def f():\n    return (lambda: 0).__globals__\n"),
    ("dunder", "def f(g):\n    return g.__code__.co_consts\n"),
    ("introspection", "def f(tb):\n    return tb.tb_next.tb_frame\n"),
    # format strings read attributes
    ("format", "def f(g):\n    return '{0.__globals__}'.format(g)\n"),
    ("format", "def f():\n    return '{x.__class__}'.format_map({'x': 1})\n"),
    ("format", "def f(g):\n    template = '{0.__globals__}'\n    return template.format(g)\n"),
    ("format", "def f(g):\n    return str.format('{0.__class__}', g)\n"),
    # objects, not spellings: a refused function under an allowed module's name
    ("not-allowed", "import pathlib\ndef f():\n    return pathlib.attrgetter('__globals__')\n"),
    ("not-allowed", "import torch\ndef f():\n    return torch.utils.checkpoint.get_type_hints\n"),
    ("not-allowed", "import torch\ndef f():\n    return torch.utils.model_zoo.load_url('x')\n"),
    ("not-allowed", "import torch\ndef f():\n    return torch.cuda.amp.common.find_spec('sys')\n"),
    ("not-allowed", "import torch\ndef f():\n    return torch.utils.benchmark.Timer(stmt='1')\n"),
    ("not-allowed", "import numpy\ndef f():\n    return numpy.matlib\n"),
    ("not-allowed", "import functools\ndef f(a, b):\n    return functools.update_wrapper(a, b, assigned=('__globals__',))\n"),
    ("not-allowed", "import torch\ndef f():\n    with torch.DisableTorchFunction():\n        pass\n"),
    ("not-allowed", "import collections\ndef f():\n    return collections.namedtuple('A', 'x')\n"),
    ("not-allowed", "import typing\ndef f():\n    return typing.NamedTuple\n"),
    # string-evaluating or unpickling loaders, torch's internals
    ("torch-internals", "import typing\ndef f():\n    return typing.get_type_hints(f)\n"),
    ("torch-internals", "import torch\ndef f(path):\n    return torch.load(path, weights_only=False)\n"),
    ("torch-internals", "import numpy as np\ndef f(path):\n    return np.load(path, allow_pickle=True)\n"),
    ("torch-internals", "import torch\ndef f(x):\n    return torch.ops.aten.sigmoid(x)\n"),
    ("torch-internals", "def f():\n    import torch.nn.modules.module as mm\n    return mm\n"),
    ("torch-internals", "import numpy as np\ndef f(a):\n    return np.lib.stride_tricks.as_strided(a, (10**6,))\n"),
    ("private", "import torch\ndef f(q):\n    return torch._C._nn.scaled_dot_product_attention(q, q, q)\n"),
    # syntax that runs code behind the reader's back
    ("syntax", "def f(m):\n    match m:\n        case object(_forward_pre_hooks=h):\n            return h\n"),
    ("syntax", "class M(type):\n    pass\nclass f(metaclass=M):\n    pass\n"),
    ("syntax", "async def f(x):\n    return await x\n"),
    ("decorator", "def f():\n    @exec\n    def g():\n        pass\n"),
    ("decorator", "import functools\ndef f():\n    @functools.singledispatch\n    def g(x):\n        return x\n    @g.register\n    def _(x: \"__import__('os').system('id')\"):\n        return 0\n    return g\n"),
    # the grader's state and torch's classes
    ("monkeypatch", "import torch\ndef f():\n    torch.allclose = lambda *a, **k: True\n"),
    ("monkeypatch", "import torch\ndef f(g):\n    setattr(torch, 'allclose', g)\n"),
    ("monkeypatch", "def f(t, g):\n    type(t).sum = g\n"),
    ("hooks", "import torch\ndef f(m):\n    m._forward_pre_hooks.clear()\n"),
    ("private", "class f:\n    def g(self):  # f.g(model): self is any object\n        return self._parameters\n"),
    ("module-value", "import torch\ndef f():\n    t = torch\n    return t.ops\n"),
    ("import", "def f():\n    from . import x\n"),
    ("import", "def f():\n    from torch import *\n"),
    # a name shadowed in one scope is still the builtin in another
    ("reflection", "def g(eval):\n    return eval\ndef f():\n    return eval('1')\n"),
]  # fmt: skip


def _refused(code: str) -> tuple[list[str], list[str], list]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    ex = extract(nb, ["f"])
    return policy.enforce(ex).get("f", []), ex.problems, ex.kept


def test_the_corpus_has_at_least_40_routes():
    assert len(ESCAPES) >= 40 and len({code for _, code in ESCAPES}) == len(ESCAPES)


@pytest.mark.parametrize(
    "rule, code", ESCAPES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(ESCAPES)]
)
def test_every_known_escape_is_refused_and_named(rule, code):
    refused, problems, kept = _refused(code)
    assert any(f"rule {rule}" in e for e in refused), (refused, problems)
    assert any("f was not loaded and scores 0" in p for p in problems), problems
    assert not any(getattr(k.node, "name", None) == "f" for k in kept)


def test_a_parameter_named_like_a_builtin_is_the_students_variable():
    """Scopes are Python's: `eval` as a parameter, `open` as a local are the student's."""
    code = (
        "def f(eval, x):\n    open = x + 1\n    return eval(open)\n"
        "def g():\n    return [len(v) for v in ([1], [2])]\n"
    )
    refused, problems, _ = _refused(code)
    assert refused == [] and problems == []


def test_annotations_are_never_evaluated_and_not_in_what_runs():
    """A string annotation is code some library would evaluate: it is gone from the code the
    policy checks and the worker compiles."""
    code = "def f(x: \"__import__('os').system('id')\") -> \"eval('1')\":\n    y: int = 2\n    return x\n"
    refused, problems, kept = _refused(code)
    assert refused == [] and problems == []
    text = ast.unparse(next(k.node for k in kept if getattr(k.node, "name", "") == "f"))
    assert "__import__" not in text and "eval" not in text and "int" not in text


def test_an_allowed_function_torch_rebinds_after_import_stays_allowed(monkeypatch):
    """Importing torch._dynamo (torch.optim does, on first use) rebinds torch.manual_seed to a
    wrapper, as here: the allowlist reads objects as they are bound at each check."""
    import functools

    import torch

    code = "import torch\ndef f():\n    torch.manual_seed(0)\n    return torch.randn(2)\n"
    assert _refused(code)[0] == []
    original = torch.manual_seed
    monkeypatch.setattr(torch, "manual_seed", functools.wraps(original)(lambda s: original(s)))
    assert _refused(code)[0] == []
