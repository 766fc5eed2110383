"""Do bans hold against a student who tries to get round them?

Three layers are attacked: the code policy (dlnlp/grade/policy.py: what kept code may use,
checked before anything runs), the run-time guards in the worker (dlnlp/sandbox/guards.py:
names, torch functions, aten dispatch), and both together through `dlnlp grade`. The graded
cases of each assignment run in one batch, as a class would be graded.
"""

from __future__ import annotations

import ast

import nbformat
import pytest
import torch

from conftest import function_scores, grade_notebooks, with_code
from dlnlp.grade import policy
from dlnlp.grade.extract import extract
from dlnlp.grade.static_check import banned_uses
from dlnlp.sandbox.client import Zygote


def _enforced(source: str, graded: str = "f"):
    """(refused entries of `graded`, problems, extraction) for a one-cell notebook."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    ex = extract(nb, [graded])
    refused = policy.enforce(ex)
    return refused.get(graded, []), ex.problems, ex


# (rule, code whose graded function `f` breaks it)
REFUSED = [
    ("module", "import os\ndef f():\n    return os.getpid()\n"),
    ("import", "import json\ndef f():\n    return json.dumps(1)\n"),
    ("module", "def f():\n    import sys\n    return sys.modules['dlnlp.sandbox.guards']\n"),
    ("module", "import gc\ndef f(x):\n    return gc.get_referrers(x)\n"),
    ("module", "import torch\ndef f():\n    return torch.sys.modules\n"),
    ("module", "def f():\n    import inspect, ctypes, importlib\n"),
    ("module", "def f():\n    import dlnlp.sandbox.guards as g\n    g._active = frozenset()\n"),
    ("private", "import torch\ndef f(q):\n    return torch._C._nn.scaled_dot_product_attention(q, q, q)\n"),
    ("private", "import torch\ndef f():\n    with torch._C.DisableTorchFunction():\n        pass\n"),
    ("private", "from torch import _VF\ndef f(x, h, w):\n    return _VF.lstm_cell(x, h, w, w)\n"),
    ("torch-internals", "import torch\ndef f(q):\n    return torch.ops.aten._scaled_dot_product_attention_math(q, q, q)\n"),
    ("torch-internals", "import torch\ndef f(x):\n    return torch.ops.aten.sigmoid(x)\n"),
    ("torch-internals", "import torch\ndef f(path):\n    return torch.load(path, weights_only=False)\n"),
    ("dunder", "import torch.nn.functional as F\ndef f(q):\n    return F.scaled_dot_product_attention.__wrapped__(q, q, q)\n"),
    ("dunder", "def f():\n    return ().__class__.__base__.__subclasses__()\n"),
    ("dunder", "def f(g):\n    return g.__globals__\n"),
    ("dynamic-attribute", "import torch.nn.functional as F\ndef f(q):\n    return getattr(F, 'scaled_dot_' + 'product_attention')(q, q, q)\n"),
    ("dynamic-attribute", "import functools\ndef f(m):\n    return functools.reduce(getattr, ['a'], m)\n"),
    ("reflection", "def f():\n    return eval('1 + 1')\n"),
    ("reflection", "def f():\n    return __import__('os')\n"),
    ("introspection", "def f():\n    def g():\n        yield\n    return g().gi_frame.f_back.f_globals\n"),
    ("module-value", "import torch\ndef f():\n    t = torch\n    return t.ops\n"),
    ("module-value", "import torch\nclass A:\n    def g(self):\n        return self._C\ndef f():\n    return A.g(torch)\n"),
    ("module-value", "import matplotlib.pyplot as plt\ndef f():\n    return [plt]\n"),
    ("monkeypatch", "import torch\ndef f():\n    torch.allclose = lambda *a, **k: True\n"),
    ("hooks", "import torch\nclass f(torch.nn.Module):\n    def forward(self, x):\n        self._forward_pre_hooks.clear()\n        return x\n"),
    ("hooks", "import torch\ndef f(m):\n    m._forward_pre_hooks.clear()\n"),
    ("syntax", "def f(m):\n    match m:\n        case object(_forward_pre_hooks=h):\n            h.clear()\n"),
    ("torch-internals", "import numpy as np\ndef f(a):\n    return np.lib.stride_tricks.as_strided(a, (10**6,))\n"),
]  # fmt: skip


@pytest.mark.parametrize(
    "rule, code", REFUSED, ids=[f"{r}-{i}" for i, (r, _) in enumerate(REFUSED)]
)
def test_graded_code_that_breaks_a_rule_is_refused_naming_the_rule(rule, code):
    """Is the graded function refused (never loaded, 0 points) with a message naming the rule?"""
    refused, problems, ex = _enforced(code)
    assert any(f"rule {rule}" in e for e in refused), refused
    assert any("code policy rule" in p and "f was not loaded and scores 0" in p for p in problems)
    assert not any(isinstance(k.node, ast.FunctionDef) and k.node.name == "f" for k in ex.kept)
    assert all(not cell.keep or ex.kept for cell in ex.cells)


def test_code_too_deep_to_check_is_refused_and_grading_goes_on():
    """A 2000-term sum nests the syntax tree 2000 deep: the check must not crash the grader."""
    for deep in (" + ".join(["0"] * 2000), "f" + ".a" * 2000):
        refused, _, ex = _enforced(f"def f():\n    return {deep}\n")
        assert any("rule nesting" in e for e in refused)
        assert banned_uses(ex, "f", ["torch.sigmoid"]) == []


def test_module_level_code_that_rewrites_the_guards_never_runs():
    """Kept code outside the graded function (an import, a class body) that breaks a rule is
    not loaded, and a problem names the rule and the place; the graded function still loads."""
    code = (
        "import torch\n"
        "import dlnlp.sandbox.guards as g\n"
        "class Patch:\n"
        "    g._active = frozenset()\n"
        "def f(x):\n"
        "    return torch.tanh(x)\n"
    )
    refused, problems, ex = _enforced(code)
    assert refused == []
    kept = [type(k.node).__name__ for k in ex.kept]
    assert kept == ["Import", "FunctionDef"]
    assert any("cell 1, line 2" in p and "dlnlp" in p and "not loaded" in p for p in problems)
    assert any("cell 1, line 3" in p and "Patch was not loaded" in p for p in problems)


ALLOWED = [
    "import math\nimport torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
    "def f(x):\n    return F.relu(nn.Linear(2, 2)(x)) * math.pi\n",
    "import torch\nclass f(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self._hidden = 4\n    def forward(self, x):\n        return x * self._hidden\n",
    "from collections import Counter\ndef f(words):\n    return Counter(words).most_common(2)\n",
    "import sys\nfrom tqdm.auto import tqdm\ndef f(it):\n    return tqdm(it, file=sys.stdout)\n",
    "import torch\ndef f(x):\n    return getattr(x, 'shape'), type(x).__name__\n",
    "import numpy as np\ndef f(x):\n    return np.asarray(x).mean()\n",
]


@pytest.mark.parametrize("code", ALLOWED, ids=range(len(ALLOWED)))
def test_ordinary_course_code_passes_the_policy(code):
    refused, problems, _ = _enforced(code)
    assert refused == [] and problems == []


# --- the run-time layers alone, on code the policy would refuse (defence in depth) ----------

RUNTIME = """
import torch
import torch.ao.nn.quantized.dynamic as qd

def sdpa_flash_without_torch_function(q):
    with torch._C.DisableTorchFunction():
        return torch._C._nn.scaled_dot_product_attention(q, q, q)

def sdpa_math_kernel(q):
    return torch.ops.aten._scaled_dot_product_attention_math(q, q, q)[0]

def sdpa_wrapped(q):
    import torch.nn.functional as F
    return F.scaled_dot_product_attention.__wrapped__(q, q, q)

def sigmoid_in_place(x):
    return x.clone().sigmoid_()

def sigmoid_aten(x):
    return torch.ops.aten.sigmoid.default(x)

def sigmoid_out(x):
    out = torch.empty_like(x)
    torch._C._VariableFunctions.sigmoid(x, out=out)
    return out

def engine_below_autograd(x):
    x = x.clone().requires_grad_()
    out = (x * x).sum()
    return torch.autograd.Variable._execution_engine.run_backward(
        (out,), (torch.ones(()),), False, False, (x,), False, False)[0]

def backward_kernel_called_directly(x):
    y = x.clone().requires_grad_().sigmoid()
    return y.grad_fn(torch.ones_like(y))

def forward_mode_ad(x):
    import torch.autograd.forward_ad as fwAD
    with fwAD.dual_level():
        y = fwAD.make_dual(x, torch.ones_like(x)).exp()
        return fwAD.unpack_dual(y).tangent

def ao_lstm_cell(x):
    h = torch.zeros(x.shape[0], 4)
    return qd.LSTMCell(x.shape[1], 4)(x, (h, h))[0]

def own_sigmoid(x):
    return 1 / (1 + torch.exp(-x))

import copy
import torch.ao.nn.quantizable as qz

def quantizable_lstm_cell(x):
    # built from Linear, sigmoid and tanh: no lstm_cell op family ever runs
    h = torch.zeros(x.shape[0], 4)
    return qz.LSTMCell(x.shape[1], 4)(x, (h, h))[0]

class Prebuilt:
    # made while loading, before any ban is up; copied in the call: no __init__ runs then
    layer = torch.nn.TransformerEncoderLayer(3, 1, 8, dropout=0.0, batch_first=True)
    attention = torch.nn.MultiheadAttention(3, 1, batch_first=True)

def copied_encoder_layer(x):
    return copy.deepcopy(Prebuilt.layer)(x.unsqueeze(0))[0]

def prebuilt_attention(x):
    x = x.unsqueeze(0)
    return Prebuilt.attention(x, x, x)[0][0]

def _sample(mu):
    d = torch.distributions.LowRankMultivariateNormal(mu, torch.zeros(mu.shape[-1], 1), torch.ones(mu.shape[-1]))
    return d.rsample()

def distribution_in_a_helper(x):
    return _sample(x)
"""
SDPA = ["torch.nn.functional.scaled_dot_product_attention"]
SIGMOID = ["torch.Tensor.sigmoid", "torch.autograd", "torch.Tensor.backward"]
CELLS = ["torch.nn.LSTMCell", "torch.lstm_cell"]
TRANSFORMER = ["torch.nn.TransformerEncoderLayer", "torch.nn.MultiheadAttention"]
CALLS = [
    ("sdpa_flash_without_torch_function", SDPA, SDPA[0]),
    ("sdpa_math_kernel", SDPA, SDPA[0]),
    ("sdpa_wrapped", SDPA, SDPA[0]),
    ("sigmoid_in_place", SIGMOID, "torch.Tensor.sigmoid"),
    ("sigmoid_aten", SIGMOID, "torch.Tensor.sigmoid"),
    ("sigmoid_out", SIGMOID, "torch.Tensor.sigmoid"),
    ("engine_below_autograd", SIGMOID, "torch.autograd"),
    ("backward_kernel_called_directly", SIGMOID, None),  # sigmoid_backward: either entry
    ("forward_mode_ad", SIGMOID, "torch.autograd"),
    ("ao_lstm_cell", CELLS, "torch.nn.LSTMCell"),
    ("quantizable_lstm_cell", CELLS, "torch.nn.LSTMCell"),
    ("copied_encoder_layer", TRANSFORMER, None),  # its attention or itself, whichever first
    ("prebuilt_attention", TRANSFORMER, "torch.nn.MultiheadAttention"),
    ("distribution_in_a_helper", ["torch.distributions"], "torch.distributions"),
]


@pytest.fixture(scope="module")
def runtime_replies():
    """fn -> the worker's reply, each bypass called once under its function's bans."""
    banned = sorted({b for _, bans, _ in CALLS for b in bans})
    with Zygote(banned, [], 512, 60) as z:
        w = z.spawn()
        try:
            keep = list(range(len(ast.parse(RUNTIME).body)))
            cell = {"filename": "<cell 1>", "source": RUNTIME, "keep": keep}
            assert w.request({"op": "load", "cells": [cell]}, 30)["ok"]
            q, x = torch.randn(1, 2, 4, 8), torch.randn(2, 3)
            replies = {
                fn: w.request(
                    {"op": "call", "fn": fn, "args": [q if fn.startswith("sdpa") else x],
                     "banned": bans},
                    30,
                )
                for fn, bans, _ in CALLS
            }  # fmt: skip
            replies["own_sigmoid"] = w.request(
                {"op": "call", "fn": "own_sigmoid", "args": [x], "banned": SIGMOID}, 30
            )
            # a hidden test's student.grad(...): the kit differentiates the student's output
            replies["grad_of_own_sigmoid"] = w.request(
                {"op": "grad", "fn": "own_sigmoid", "args": [x], "banned": SIGMOID, "wrt": [0],
                 "grad_output": torch.ones(2, 3), "output_index": None},
                30,
            )  # fmt: skip
            return replies
        finally:
            w.kill()


@pytest.mark.parametrize("fn, bans, entry", CALLS, ids=[c[0] for c in CALLS])
def test_runtime_guards_catch_the_bypass_at_the_dispatch_level(runtime_replies, fn, bans, entry):
    """Past the policy, is each bypass still seen at run time, named by a banned entry?"""
    reply = runtime_replies[fn]
    assert not reply["ok"] and reply["error"]["kind"] == "banned", reply
    named = reply["error"]["apis"]
    assert (entry in named) if entry else set(named) <= set(bans)


def test_runtime_guards_let_the_students_own_code_run(runtime_replies):
    assert runtime_replies["own_sigmoid"]["ok"]


def test_the_kits_gradient_of_a_students_output_is_not_their_use_of_autograd(runtime_replies):
    """worker.grad runs autograd on the student's output for a hidden test: a function that
    bans torch.autograd is not charged with the kit's backward pass."""
    reply = runtime_replies["grad_of_own_sigmoid"]
    assert reply["ok"] and reply["value"][0] is not None, reply


# --- end to end: what a student who tries these gets ---------------------------------------

ATTENTION = {
    "math-kernel": """
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    return torch.ops.aten._scaled_dot_product_attention_math(q, k, v, attn_mask=mask)
""",
    "wrapped": """
import torch
import torch.nn.functional as F

def scaled_dot_product_attention(q, k, v, mask=None):
    sdpa = F.scaled_dot_product_attention.__wrapped__
    return sdpa(q, k, v, attn_mask=mask), None
""",
    "torch-function-off": """
import torch
import torch.nn.functional as F

def scaled_dot_product_attention(q, k, v, mask=None):
    with torch._C.DisableTorchFunction():
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask), None
""",
    "rewrites-guards": """
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return helper(q, k, v, mask), torch.softmax(scores, dim=-1)
""",
    "sys-modules": """
import sys
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    sys.modules["dlnlp.sandbox.guards"]._active = frozenset()
    return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask), None
""",
    "gc-referrers": """
import gc
import torch

def causal_mask(L):
    for holder in gc.get_referrers(torch.nn.functional):
        pass
    return torch.ones(L, L, dtype=torch.bool).tril()
""",
    "built-name": """
import torch
import torch.nn.functional as F

def scaled_dot_product_attention(q, k, v, mask=None):
    name = "scaled_dot_" + "product_attention"
    return getattr(F, name)(q, k, v, attn_mask=mask), None
""",
}
BACKPROP = {
    "sigmoid-in-place": "import torch\n\ndef sigmoid(z):\n    return z.clone().sigmoid_()\n",
}
# a scratch cell of the same student: rewrites the guards' state when loaded, and hides the
# banned call in a helper that the static check of the graded function does not see
SCRATCH = """
import torch.nn.functional as F
import dlnlp.sandbox.guards as g

class _Quiet:
    g._active = frozenset()

def helper(q, k, v, mask):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
"""
VAE = {
    # torch.distributions in a helper the graded function calls: the static check read only
    # the graded def, and the run-time guard covered the module's functions, not its classes
    "distribution-in-a-helper": """
import torch

def reparameterize(mu, logvar):
    return _noise_like(mu, logvar)
""",
}
# the helper, in a scratch cell of the same student
HELPERS = {
    "distribution-in-a-helper": """
import torch

def _noise_like(mu, logvar):
    d = torch.distributions.LowRankMultivariateNormal(
        mu, torch.zeros(*mu.shape, 1), torch.exp(logvar))
    return d.rsample()
""",
}
LSTM = {
    "ao-lstm-cell": """
import torch
import torch.ao.nn.quantized.dynamic as qd

def lstm_cell(x, state, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    cell = qd.LSTMCell(x.shape[-1], weight_hh.shape[-1])
    return cell(x, state)
""",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """student -> Results: each assignment's cases in one batch, only the functions attacked."""
    out = {}
    for assignment, cases, only in [
        ("attention", ATTENTION, ["scaled_dot_product_attention", "causal_mask"]),
        ("backprop", BACKPROP, ["sigmoid"]),
        ("lstm", LSTM, ["lstm_cell"]),
        ("vae", VAE, ["reparameterize"]),
    ]:
        notebooks = {name: with_code(assignment, code) for name, code in cases.items()}
        if "rewrites-guards" in notebooks:
            notebooks["rewrites-guards"].cells.append(nbformat.v4.new_code_cell(SCRATCH))
        for name, helper in HELPERS.items():
            if name in notebooks:
                notebooks[name].cells.append(nbformat.v4.new_code_cell(helper))
        folder = tmp_path_factory.mktemp(assignment)
        out |= grade_notebooks(assignment, notebooks, folder, only)
    return out


def _notes(r, fn: str) -> str:
    return " ".join(next(f for f in r.functions if f.name == fn).notes)


@pytest.mark.parametrize(
    "student, fn, named",
    [
        ("math-kernel", "scaled_dot_product_attention", "rule torch-internals"),
        ("wrapped", "scaled_dot_product_attention", "rule dunder"),
        ("torch-function-off", "scaled_dot_product_attention", "rule private"),
        ("rewrites-guards", "scaled_dot_product_attention", "torch.nn.functional.scaled_dot_product_attention"),
        ("sys-modules", "scaled_dot_product_attention", "rule module"),
        ("gc-referrers", "causal_mask", "rule module"),
        ("built-name", "scaled_dot_product_attention", "rule dynamic-attribute"),
        ("sigmoid-in-place", "sigmoid", "torch.Tensor.sigmoid"),
        ("ao-lstm-cell", "lstm_cell", "rule not-allowed"),  # torch.ao is not on the list
        ("distribution-in-a-helper", "reparameterize", "torch.distributions"),
    ],
)  # fmt: skip
def test_a_bypass_scores_zero_on_its_function_naming_the_rule_or_the_api(
    graded, student, fn, named
):
    """Does each way round a ban cost its function every point, with a note that says why?"""
    r = graded[student]
    assert function_scores(r)[fn] == 0
    assert all(t.verdict == "banned" for t in r.tests if t.function == fn)
    assert named in _notes(r, fn), _notes(r, fn)


def test_module_level_code_that_rewrites_the_guards_is_named_in_the_problems(graded):
    problems = " ".join(graded["rewrites-guards"].problems)
    assert "dlnlp" in problems and "rule module" in problems and "_Quiet was not loaded" in problems


def test_the_kits_locked_cells_are_not_loaded_and_marking_a_cell_locked_only_loses_it():
    """The visible-checks helper reads tracebacks (it could never pass the policy) and grading
    needs none of it: locked, non-solution cells are not loaded. A student who marks their own
    cell so gains nothing: its code is not loaded either."""
    nb = nbformat.v4.new_notebook()
    kit = nbformat.v4.new_code_cell("import warnings\ndef visible_checks(name):\n    pass\n")
    kit.metadata["nbgrader"] = {"grade_id": "visible_checks", "locked": True, "solution": False}
    sneaky = nbformat.v4.new_code_cell("import os\ndef f():\n    return os.getpid()\n")
    sneaky.metadata["nbgrader"] = {"grade_id": "f", "locked": True, "solution": False}
    nb.cells = [kit, sneaky]
    ex = extract(nb, ["f"])
    assert ex.kept == [] and policy.enforce(ex) == {} and ex.problems == []
    assert "f" in ex.missing


def test_the_kits_own_autograd_inside_a_call_is_not_a_hit():
    """worker.grad differentiates the student's output inside the call: within
    guards.engine_allowed(), that backward pass is the kit's, while every other ban still
    holds over what the engine runs (a student's autograd.Function backward), and a hit from
    before it is kept. (Modes only: nothing is installed in this process.)"""
    from dlnlp.sandbox import guards

    def backward():
        a = torch.randn(3, requires_grad=True)
        return torch.autograd.grad((a * a).sum(), a)

    class Sneaky(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return g.sigmoid()  # banned: run by the kit's engine, still watched

    banned = ["torch.autograd", "torch.Tensor.sigmoid"]
    guards.activate(banned)
    try:
        with pytest.raises(guards.BannedAPIError):
            torch.randn(3).sigmoid_()
        with guards.engine_allowed():
            backward()
            a = torch.randn(3, requires_grad=True)
            with pytest.raises(guards.BannedAPIError):
                torch.autograd.grad(Sneaky.apply(a).sum(), a)
        with pytest.raises(guards.BannedAPIError):
            backward()  # outside the pause, the engine is a hit again
    finally:
        hits = guards.deactivate()
    assert hits == ["torch.Tensor.sigmoid", "torch.autograd"]
