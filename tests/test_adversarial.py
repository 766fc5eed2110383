"""Do hostile or broken submissions earn nothing they did not earn, without stopping the batch?

All cases are graded in one batch (as a class would be); each test checks one student.
"""

from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, full_marks, function_scores, grade_notebooks, solved, with_code
from dlnlp.render.gradescope import gradescope_dict

CORRECT_CAUSAL = (
    "import torch\n\ndef causal_mask(L):\n    return torch.ones(L, L, dtype=torch.bool).tril()\n"
)

CASES = {
    "infinite-loop": """
def causal_mask(L):
    while True:
        pass
""",
    "os-exit": """
import os

def sinusoidal_positional_encoding(L, d):
    os._exit(3)
""",
    "memory-hog": """
def sinusoidal_positional_encoding(L, d):
    hoard = []
    while True:
        hoard.append(bytearray(50_000_000))
""",
    "patched-checker": """
import torch

class _Patch:  # class bodies run when the notebook is loaded
    torch.allclose = lambda *a, **k: True
    torch.equal = lambda *a, **k: True
    torch.testing.assert_close = lambda *a, **k: None

def scaled_dot_product_attention(q, k, v, mask=None):
    torch.allclose = lambda *a, **k: True
    return torch.zeros(*q.shape[:-1], v.shape[-1]), torch.zeros(*q.shape[:-1], k.shape[-2])
""",
    "reads-hidden-tests": f"""
import glob
import os
import torch

def causal_mask(L):
    leaked = ""
    for pattern in ["{REPO}/autograder/attention/*.py", "{REPO}/solutions/*.py", "{REPO}/grader_config.yaml",
                    "../**/test_causal_mask.py", "/proc/1/environ"]:
        for path in glob.glob(pattern, recursive=True):
            try:
                leaked += open(path).read()
            except OSError:
                pass
    if "def " in leaked:
        return torch.ones(L, L, dtype=torch.bool).tril()  # cheating worked
    return None
""",
    "writes-fake-results": """
import json
import os
import torch

def causal_mask(L):
    fake = json.dumps({"score": 100, "tests": []})
    for path in [OUT + "/writes-fake-results/results.json", OUT + "/grades.csv", "results.json", "../results.json"]:
        try:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w") as f:
                f.write(fake)
        except OSError:
            pass
    return None
""",
    "leaves-child-process": """
import math
import subprocess
import sys
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    subprocess.Popen(["sleep", "4242"], start_new_session=True)
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(4243)"], start_new_session=True)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = torch.softmax(scores, dim=-1)
    return w @ v, w
""",
    "kills-everything": """
import os
import signal
import torch

def causal_mask(L):
    for pid in (-1, 1, os.getppid()):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return torch.ones(L, L, dtype=torch.bool).tril()
""",
    "opens-network": """
import socket
import torch

def causal_mask(L):
    try:
        socket.create_connection(("127.0.0.1", PORT), timeout=2).sendall(b"leak")
        return torch.ones(L, L, dtype=torch.bool).tril()  # the network was reachable
    except OSError:
        return None
""",
    "banned-direct": """
import torch
import torch.nn.functional as F

def scaled_dot_product_attention(q, k, v, mask=None):
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    return out, torch.zeros(*q.shape[:-1], k.shape[-2])

def multi_head_attention(query, key, value, W_q, W_k, W_v, W_o, num_heads, mask=None):
    m = torch.nn.MultiheadAttention(query.shape[-1], num_heads, bias=False, batch_first=True)
    return m(query, key, value)
""",
    "banned-dynamic": """
import importlib
import math
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    sdpa = getattr(importlib.import_module("torch.nn." + "functional"), "scaled_dot_" + "product_attention")
    out = sdpa(q, k, v, attn_mask=mask)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return out, torch.softmax(scores, dim=-1)
""",
    "returns-unsafe-object": """
class Sneaky:
    def __reduce__(self):  # unpickled, it would run print (open is refused by the policy)
        return (print, ("unpickled",))

def causal_mask(L):
    return Sneaky()
""",
}


def _no_metadata_shuffled() -> nbformat.NotebookNode:
    nb = solved("attention")
    code = [c for c in nb.cells if c.cell_type == "code"]
    for c in code:
        c.metadata = {}
    random.Random(0).shuffle(code)
    fresh = nbformat.v4.new_notebook()
    fresh.cells = [nbformat.v4.new_code_cell(c.source) for c in code]  # copied into a new notebook
    return fresh


def _without_cell(grade_id: str) -> nbformat.NotebookNode:
    nb = solved("attention")
    nb.cells = [
        c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != grade_id
    ]
    return nb


def _with_scratch_cell(source: str) -> nbformat.NotebookNode:
    nb = solved("attention")
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


def _syntax_error_in(grade_id: str) -> nbformat.NotebookNode:
    nb = solved("attention")
    for c in nb.cells:
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            c.source += "\n    return (\n"
    return nb


@pytest.fixture(scope="module")
def listener():
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.1)
    yield server
    server.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory, listener):
    folder = tmp_path_factory.mktemp("adversarial")
    out = folder / "out"
    notebooks: dict = {}
    for name, code in CASES.items():
        code = code.replace("OUT", repr(str(out))).replace("PORT", str(listener.getsockname()[1]))
        notebooks[name] = with_code("attention", code)
    notebooks |= {
        "corrupt-json": b'{"cells": [ {"cell_type": "code", "sour',
        "not-a-notebook": b'{"hello": "world"}',
        "empty-file": b"",
        "binary-garbage": bytes(range(256)) * 4,
        "deleted-cell": _without_cell("causal_mask"),
        "lost-metadata": _no_metadata_shuffled(),
        "syntax-error": _syntax_error_in("sinusoidal_positional_encoding"),
        "top-level-code": _with_scratch_cell(
            "print('training...')\nname = input('name? ')\nwhile True:\n    pass\n"
        ),
    }
    results = grade_notebooks("attention", notebooks, folder)
    return results, out


def _only_zero(r, *broken):
    scores, full = function_scores(r), full_marks(r)
    for fn in scores:
        if fn in broken:
            assert scores[fn] == 0, f"{fn} earned {scores[fn]}"
        elif fn not in ("multi_head_attention",) or "scaled_dot_product_attention" not in broken:
            assert scores[fn] == full[fn], (
                f"{fn} lost points: {[t.output for t in r.tests if t.function == fn]}"
            )


def _notes(r, fn):
    return " ".join(next(f for f in r.functions if f.name == fn).notes)


def test_batch_completes_with_a_result_and_a_row_for_everyone(batch):
    """Does every submission, however hostile or broken, get a results.json and a grades.csv row?"""
    results, out = batch
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    for student in results:
        assert json.loads((out / student / "results.json").read_text())["tests"]
        assert student in rows


def test_infinite_loop_hits_the_time_limit(batch):
    r = batch[0]["infinite-loop"]
    _only_zero(r, "causal_mask")
    assert "time limit" in _notes(r, "causal_mask")


def test_os_exit_fails_only_its_function(batch):
    r = batch[0]["os-exit"]
    _only_zero(r, "sinusoidal_positional_encoding")  # refused by the code policy before it runs
    assert "os._exit" in _notes(r, "sinusoidal_positional_encoding")


def test_memory_hog_hits_the_memory_limit(batch):
    r = batch[0]["memory-hog"]
    _only_zero(r, "sinusoidal_positional_encoding")
    assert "memory limit" in _notes(r, "sinusoidal_positional_encoding")


def test_patching_torch_checks_gains_nothing(batch):
    """Patching torch.allclose / assert_close in the notebook cannot reach the trusted checks."""
    _only_zero(batch[0]["patched-checker"], "scaled_dot_product_attention", "multi_head_attention")


def test_hidden_tests_and_solutions_cannot_be_read(batch):
    _only_zero(batch[0]["reads-hidden-tests"], "causal_mask")


def test_fake_results_are_not_written(batch):
    results, out = batch
    _only_zero(results["writes-fake-results"], "causal_mask")
    written = json.loads((out / "writes-fake-results" / "results.json").read_text())
    assert written == gradescope_dict(results["writes-fake-results"])
    assert (out / "grades.csv").read_text().startswith("student,")


def test_no_process_is_left_behind(batch):
    r = batch[0]["leaves-child-process"]
    assert "subprocess" in " ".join(r.problems)  # refused by the code policy before it runs
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        assert b"4242" not in text and b"4243" not in text, f"left running: {text!r}"


def test_killing_everything_hurts_only_itself(batch):
    """os.kill(-1, SIGKILL) from student code must not reach the grader or other workers."""
    results = batch[0]
    assert results["kills-everything"].status == "graded"
    assert len(results) == len(CASES) + 8


def test_network_is_unreachable(batch, listener):
    _only_zero(batch[0]["opens-network"], "causal_mask")
    with pytest.raises(TimeoutError):
        listener.accept()


def test_banned_api_scores_zero_with_its_name(batch):
    r = batch[0]["banned-direct"]
    _only_zero(r, "scaled_dot_product_attention", "multi_head_attention")
    assert "torch.nn.functional.scaled_dot_product_attention" in _notes(
        r, "scaled_dot_product_attention"
    )
    assert "torch.nn.MultiheadAttention" in _notes(r, "multi_head_attention")


def test_banned_api_reached_dynamically_is_refused(batch):
    """A built name (getattr, import_module) is refused by the code policy (tests/test_bans.py
    shows the run-time guards catching what the policy would let through)."""
    r = batch[0]["banned-dynamic"]
    _only_zero(r, "scaled_dot_product_attention")
    assert "rule dynamic-attribute" in _notes(r, "scaled_dot_product_attention")


def test_unsafe_return_value_is_refused(batch):
    r = batch[0]["returns-unsafe-object"]
    _only_zero(r, "causal_mask")
    assert any("cannot be graded" in t.output for t in r.tests if t.function == "causal_mask")
    assert not os.path.exists("/tmp/dlnlp-pwned")


@pytest.mark.parametrize(
    "student", ["corrupt-json", "not-a-notebook", "empty-file", "binary-garbage"]
)
def test_unreadable_notebook_gets_a_clear_message(batch, student):
    r = batch[0][student]
    assert r.status == "unreadable" and r.score == 0
    assert f"{student}.ipynb" in r.status_message() and ("notebook" in r.status_message())


def test_deleted_cell_fails_only_that_function(batch):
    r = batch[0]["deleted-cell"]
    _only_zero(r, "causal_mask")
    assert "not defined" in _notes(r, "causal_mask")


def test_cells_copied_without_metadata_are_found_by_name(batch):
    r = batch[0]["lost-metadata"]
    assert r.score == r.max_score
    assert "found by name" in _notes(r, "causal_mask")


def test_syntax_error_fails_only_that_function(batch):
    r = batch[0]["syntax-error"]
    _only_zero(r, "sinusoidal_positional_encoding")
    assert any("syntax error" in p for p in r.problems)


def test_top_level_code_is_not_run(batch):
    """A training loop, print or input() left at top level must not run (or hang) when grading."""
    r = batch[0]["top-level-code"]
    assert r.score == r.max_score
    assert r.execution_time < 10
