"""Does the trusted side take nothing a worker sends on trust: not its sizes, not its pace,
not its words?

The worker here is driven through a grading Session directly, without the static code policy
in front of it, so that student code can do what only a policy bypass would let it do: write
its own frames on the worker's connection, past the worker's own caps.
"""

from __future__ import annotations

import json
import resource
import struct
import time

import nbformat
import pytest
import torch

from conftest import COURSE, grade_notebooks, with_code
from dlnlp.config import Limits
from dlnlp.grade.extract import extract
from dlnlp.grade.scoring import score
from dlnlp.grade.session import Session, StudentError, StudentProxy
from dlnlp.grade.untrusted import MESSAGE, TRACEBACK, clip, clip_traceback
from dlnlp.sandbox import codec
from dlnlp.sandbox.client import Zygote

# student code that writes a raw frame on the worker's connection (the only socket it holds)
WRITE_FRAME = """
import os, stat, struct, time

def _conn():
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return fd
        except OSError:
            pass

def _write(data):
    fd = _conn()
    while data:
        data = data[os.write(fd, data):]

def _frame(tree):
    payload = struct.pack("<Q", len(tree)) + tree
    return struct.pack("<Q", len(payload)) + payload
"""


@pytest.fixture(scope="module")
def zygote():
    with Zygote([], [str(p) for p in COURSE.secrets()], 512, 60) as z:
        yield z


def _student(zygote, code: str, call_seconds: float = 3, banned=None) -> StudentProxy:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WRITE_FRAME + code)])
    extracted = extract(nb, ["f"])
    limits = Limits(call_seconds=call_seconds, memory_mb=512, total_seconds=60)
    return StudentProxy(Session(zygote, extracted, banned or {"f": []}, limits))


def _fails(student: StudentProxy) -> StudentError:
    with pytest.raises(StudentError) as e:
        student.f()
    student._session.close()
    return e.value


def test_a_reply_that_expands_on_decoding_is_refused_before_it_is_parsed(zygote):
    """A 30 MB frame of nested empty lists would be ~1 GB of Python lists: is it refused,
    without the grader's memory growing by more than the frame?"""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    err = _fails(
        _student(
            zygote,
            "def f():\n    _write(_frame(b'[' + b'[],' * 10_000_000 + b'[]]'))\n    time.sleep(60)\n",
        )
    )
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert err.verdict == "protocol" and "limit" in err.message
    assert grown_mb < 150, f"the grader grew by {grown_mb:.0f} MB decoding one reply"


def test_the_codec_bounds_values_and_tree_bytes_before_parsing():
    """Many small values in a small tree, a tree over its byte cap, a huge tensor header."""
    many = json.dumps([0] * (codec.MAX_NODES + 1)).encode()
    with pytest.raises(codec.CodecError, match="values"):
        codec.decode(struct.pack("<Q", len(many)) + many)
    big = json.dumps("x" * (codec.MAX_TREE + 1)).encode()
    with pytest.raises(codec.CodecError, match="limit"):
        codec.decode(struct.pack("<Q", len(big)) + big)
    header = struct.pack("<Q", 2**40)
    with pytest.raises(codec.CodecError, match="header"):
        codec.decode(struct.pack("<Q", 4) + b"null" + header)
    # what the trusted side itself sends (a training set) may be larger
    assert codec.decode(struct.pack("<Q", len(many)) + many, bounded=False)[-1] == 0


def test_a_reply_announced_large_and_sent_slowly_is_cut_off_at_the_call_limit(zygote):
    """Each recv has a timeout; does the reply as a whole have a deadline?"""
    start = time.monotonic()
    err = _fails(
        _student(
            zygote,
            "def f():\n"
            "    _write(struct.pack('<Q', 60_000_000))\n"
            "    while True:\n"
            "        _write(b'[')\n"
            "        time.sleep(0.2)\n",
            call_seconds=2,
        )
    )
    assert err.verdict == "timeout"
    assert time.monotonic() - start < 8


def test_a_forged_error_reply_is_cut_to_size_on_the_trusted_side(zygote):
    """A failure reply written straight on the connection skips the worker's 300-character
    cap: are its type, message and traceback still bounded, and control characters gone?"""
    # made in the worker (a literal this size is over the code the grader reads), all under
    # the 2 MB tree cap
    forged = (
        "{'ok': False, 'error': {'kind': 'exception', 'type': 'E\\x1b[2J' * 10_000, "
        "'message': 'M' * 400_000, 'traceback': 'T\\r\\n' * 200_000}}"
    )
    code = f"def f():\n    _write(_frame(json.dumps({forged}).encode()))\n    time.sleep(60)\n"
    err = _fails(_student(zygote, "import json\n" + code))
    assert err.verdict == "exception"
    assert len(err.message) < 2 * MESSAGE and "\x1b" not in err.message
    assert len(err.traceback) < TRACEBACK + 100 and "\r" not in err.traceback


@pytest.mark.parametrize(
    "error",
    [
        {"kind": "banned", "message": "your hidden data here"},
        {"kind": "passed", "message": "x"},
        "not a dict",
    ],
)
def test_a_forged_failure_kind_or_banned_api_is_refused(zygote, error):
    """A worker may only report the kinds it knows, and only the banned APIs we named."""
    forged = {"ok": False, "error": error}
    code = f"def f():\n    _write(_frame(json.dumps({forged!r}).encode()))\n    time.sleep(60)\n"
    err = _fails(_student(zygote, "import json\n" + code, banned={"f": ["torch.sigmoid"]}))
    assert err.verdict == "protocol" and "hidden" not in err.message


def test_failures_while_holding_hidden_inputs_say_nothing_the_student_wrote(zygote):
    """Inside holding_hidden_inputs, a raised message (which could carry hidden data) is
    replaced, also for later calls, and the worker that held the data is retired."""
    student = _student(zygote, "def f(x=None):\n    raise ValueError(f'leak: {x}')\n")
    with student.holding_hidden_inputs():
        with pytest.raises(StudentError) as inside:
            student.f("SECRET REVIEW TEXT")
        first_worker = student._session.worker
    assert "SECRET" not in inside.value.message and not inside.value.traceback
    assert "held-out" in inside.value.message
    assert not first_worker.alive
    with pytest.raises(StudentError) as later:  # the function is failed: the veiled text stays
        student.f()
    assert "SECRET" not in later.value.message
    student._session.close()


def test_a_long_traceback_does_not_inflate_the_outputs(tmp_path):
    """A deep recursion through a long line made results.json ~109 MB: is every output
    of a graded batch now small?"""
    long_line = " + ".join(["0"] * 2_000)
    code = (
        "def causal_mask(L):\n"
        "    def deep(n):\n"
        f"        return deep(n - 1) if n else (1 / 0) + {long_line}\n"
        "    return deep(900)\n"
    )
    results = grade_notebooks("attention", {"deep": with_code("attention", code)}, tmp_path)
    assert results["deep"].functions[1].score == 0
    for name in ["results.json", "feedback.html", "grading-record.json"]:
        size = (tmp_path / "out" / "deep" / name).stat().st_size
        assert size < 200_000, f"{name} is {size} bytes"


def test_scores_clip_whatever_reaches_them():
    """The last line of defence: a hidden test's own message built from a student's value."""
    from dlnlp.grade.assignment import Assignment
    from dlnlp.grade.hidden_tests import Outcome
    from dlnlp.results import Results
    from dlnlp.verdicts import Verdict

    a = Assignment.load(COURSE, "attention")
    t = a.tests[0]
    outcomes = [Outcome(t, Verdict.MISTAKE, "x" * 100_000, traceback="y\n" * 100_000)]
    r = score(Results(student="s", assignment="attention", submission="s.ipynb"), a, outcomes,
              functions=[t.function])  # fmt: skip
    assert len(r.tests[0].output) < 2_000 and len(r.tests[0].traceback) < TRACEBACK + 100


def test_clip_marks_what_it_cut():
    assert clip("abc", 10) == "abc"
    assert clip("a" * 20, 10).startswith("a" * 10) and "10 characters cut" in clip("a" * 20, 10)
    assert clip_traceback("x\n" * 5_000).endswith("x\n")


# --- what a call returns is plain data, checked before the kit touches it -----------------

SUBCLASSES = """
import torch
ran = []

class Tensorish(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        ran.append(getattr(func, "__name__", "?"))  # any method the kit calls runs this
        return super().__torch_function__(func, types, args, kwargs or {})

class Listish(list):
    def __iter__(self):
        ran.append("__iter__")
        return super().__iter__()

def count():
    return len(ran)
"""


@pytest.mark.parametrize(
    "made",
    ["torch.zeros(3).as_subclass(Tensorish)", "Listish([1, 2])", "(1, Listish([1]))"],
)
def test_a_returned_subclass_is_refused_before_any_of_its_methods_runs(zygote, made):
    """A tensor subclass whose __torch_function__ runs on detach(), a list whose __iter__
    runs: once returned, nothing of theirs runs (it ran with the guards off); the value is
    refused with a message."""
    student = _student(
        zygote, SUBCLASSES + f"def f():\n    v = {made}\n    ran.clear()\n    return v\n"
    )
    try:
        with pytest.raises(StudentError) as e:
            student.f()
        assert e.value.verdict == "unserializable" and "plain ones" in e.value.message
        assert student.count() == 0
    finally:
        student._session.close()


def test_a_student_backward_run_by_the_kits_gradient_is_still_watched(zygote):
    """The kit differentiates a student's output (worker's grad op) with the autograd engine
    allowed: a custom autograd.Function's backward still runs under the function's other
    bans (it ran with every guard paused)."""
    code = (
        "import torch\n"
        "class Sneaky(torch.autograd.Function):\n"
        "    @staticmethod\n"
        "    def forward(ctx, x):\n"
        "        return x.clone()\n"
        "    @staticmethod\n"
        "    def backward(ctx, g):\n"
        "        return torch.sigmoid(g)\n"
        "def f(x):\n"
        "    return Sneaky.apply(x)\n"
    )
    student = _student(zygote, code, banned={"f": ["torch.sigmoid"]})
    try:
        with pytest.raises(StudentError) as e:
            student.grad("f", torch.ones(3), wrt=[0], grad_output=torch.ones(3))
        assert e.value.verdict == "banned"
    finally:
        student._session.close()


def test_a_gradient_of_a_tensor_subclass_is_refused(zygote):
    student = _student(
        zygote, SUBCLASSES + "def f(x):\n    return (x * 2).as_subclass(Tensorish)\n"
    )
    try:
        with pytest.raises(StudentError) as e:
            student.grad("f", torch.ones(3), wrt=[0], grad_output=torch.ones(3))
        assert "expected a tensor" in e.value.message
    finally:
        student._session.close()


KEPT_MODULE = (
    "import torch\n"
    "class Scale(torch.nn.Module):\n"
    "    def __init__(self):\n"
    "        super().__init__()\n"
    "        self.w = torch.nn.Parameter(torch.tensor([2.0, -3.0]))\n"
    "    def forward(self, x):\n"
    "        return x * self.w\n"
    "class Shifty(torch.Tensor):\n"
    "    def detach(self):\n"
    "        raise SystemExit('ran outside the guards')\n"
    "def shifty():\n"
    "    return torch.ones(2).as_subclass(Shifty)\n"
    "def f(x, model):\n"
    "    return model(x).sum()\n"
)


def test_a_gradient_through_a_kept_model_reaches_the_tensor_argument(zygote):
    """student.grad takes a kept object (e.g. a discriminator) as an argument: it arrives in the
    worker as itself, and the gradient with respect to the tensor argument comes back."""
    student = _student(zygote, KEPT_MODULE)
    try:
        model = student.keep.Scale()
        (g,) = student.grad("f", torch.ones(2), model, wrt=[0], grad_output=torch.tensor(1.0))
        assert torch.equal(g, torch.tensor([2.0, -3.0]))
    finally:
        student._session.close()


def test_a_kept_object_is_never_differentiated_nor_detached_by_the_kit(zygote):
    """An attacker's kept object in a `wrt` position (a tensor subclass whose detach() is the
    student's code, or a model) is refused before the kit touches it outside the guards, and a
    stale reference to a replaced worker's object is refused too."""
    student = _student(zygote, KEPT_MODULE)
    try:
        for kept in (student.keep.shifty(), student.keep.Scale()):
            with pytest.raises(StudentError) as e:
                student.grad("f", kept, kept, wrt=[0], grad_output=torch.tensor(1.0))
            assert "not a tensor" in e.value.message
        model = student.keep.Scale()
        student._session.worker.kill()  # the next request starts a new worker
        student.f(torch.ones(2), student.keep.Scale())
        with pytest.raises(StudentError):
            student.grad("f", torch.ones(2), model, wrt=[0], grad_output=torch.tensor(1.0))
    finally:
        student._session.close()
