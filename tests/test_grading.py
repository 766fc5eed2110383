"""Does grading give the reference 100%, the release stubs 0, and a complete, safe set of outputs?"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import COURSE, REPO, grade_notebooks, release, solved, with_code

# correct code, but causal_mask (graded first) keeps 90 MB of the 160 MB budget for good, and
# sinusoidal_positional_encoding (graded last) briefly needs 100 MB
KEEPS_MEMORY = """
import torch

_kept = []

def causal_mask(L):
    if not _kept:
        _kept.append(torch.ones(90 * 2**18))
    return torch.ones(L, L, dtype=torch.bool).tril()

def sinusoidal_positional_encoding(L, d):
    scratch = torch.ones(100 * 2**18)
    del scratch
    pos = torch.arange(L, dtype=torch.float64).unsqueeze(1)
    angle = pos / 10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(L, d, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(angle), torch.cos(angle)
    return pe.float()
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("basic")
    results = grade_notebooks(
        "attention", {"reference": solved("attention"), "stub": release("attention")}, folder
    )
    return results, folder / "out"


def test_reference_scores_full_marks(graded):
    r = graded[0]["reference"]
    assert r.score == r.max_score == COURSE.config().assignment("attention").max_score
    assert all(t.status == "passed" for t in r.tests)


def test_release_stubs_score_zero(graded):
    r = graded[0]["stub"]
    assert r.score == 0
    assert all("not implemented yet" in f.notes for f in r.functions)


ASSIGNMENTS = list(COURSE.config().assignments)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_full_and_stubs_zero_for_every_assignment(assignment, tmp_path):
    """Does every assignment's reference score 100% and its release stubs 0, with every function tested?"""
    results = grade_notebooks(
        assignment, {"reference": solved(assignment), "stub": release(assignment)}, tmp_path
    )
    ref, stub = results["reference"], results["stub"]
    assert ref.score == ref.max_score == COURSE.config().assignment(assignment).max_score, [
        (t.name, t.output) for t in ref.tests if t.status == "failed"
    ]
    assert stub.score == 0 and all(f.total >= 2 for f in ref.functions)


def test_a_function_is_not_charged_for_memory_kept_by_one_graded_before_it(tmp_path):
    """causal_mask keeps 90 MB of the 160 MB budget: does sinusoidal_positional_encoding, graded
    after it, still get the 100 MB it needs (a fresh worker, Session.begin_function)?"""
    assert COURSE.config().limits_for("attention").memory_mb == 160
    notebook = with_code("attention", KEEPS_MEMORY)
    r = grade_notebooks("attention", {"keeps-memory": notebook}, tmp_path)["keeps-memory"]
    assert r.score == r.max_score, [(t.name, t.output) for t in r.tests if t.status == "failed"]


def test_every_test_name_starts_with_its_function(graded):
    data = json.loads((graded[1] / "reference" / "results.json").read_text())
    functions = list(COURSE.config().assignment("attention").functions)
    for t in data["tests"]:
        fn, _, what = t["name"].partition(": ")
        assert fn in functions and what
        assert {"score", "max_score", "status", "output"} <= set(t)
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(data["score"])


def test_function_points_are_split_over_its_tests(graded):
    r = graded[0]["reference"]
    for fn, cfg in COURSE.config().assignment("attention").functions.items():
        assert sum(t.max_score for t in r.tests if t.function == fn) == pytest.approx(cfg.points)


def test_grades_csv_has_a_column_per_function_and_a_row_per_student(graded):
    rows = list(csv.DictReader((graded[1] / "grades.csv").open()))
    assert [r["student"] for r in rows] == ["reference", "stub"]
    assert rows[0]["total"] == "10" and rows[1]["total"] == "0"
    assert set(COURSE.config().assignment("attention").functions) <= set(rows[0])


def _hidden_fragments() -> list[str]:
    """Distinctive lines of the hidden tests and of the reference: none may reach a student."""
    lines = []
    for path in [*COURSE.hidden_tests("attention").glob("*.py"), COURSE.solution("attention")]:
        lines += [
            line.strip()
            for line in path.read_text().splitlines()
            if len(line.strip()) > 25
            and not line.strip().startswith(("#", '"""', "import", "from", "def "))
            and "Hint" not in line
            and '("' not in line[:8]
        ]
    return lines


def test_feedback_never_shows_hidden_source_or_values(graded):
    """Is every student-facing output free of hidden test code and expected values?"""
    out = graded[1]
    fragments = _hidden_fragments()
    assert len(fragments) > 30
    for student in ("reference", "stub"):
        for name in ("results.json", "feedback.html"):
            text = (out / student / name).read_text()
            leaked = [f for f in fragments if f in text]
            assert not leaked, f"{student}/{name} shows {leaked[:3]}"
            assert not re.search(r"tensor\(\[", text), "a tensor value is shown"


def test_feedback_html_lists_each_function_and_hint(tmp_path):
    code = (REPO / "tests/mutants/attention/sdpa_no_scaling.py").read_text()

    results = grade_notebooks("attention", {"partial": with_code("attention", code)}, tmp_path)
    html = (tmp_path / "out" / "partial" / "feedback.html").read_text()
    for fn in COURSE.config().assignment("attention").functions:
        assert fn in html
    assert "not scaled" in html and results["partial"].score < results["partial"].max_score


def test_a_cuda_call_is_told_the_grader_runs_on_the_cpu(tmp_path):
    """A habitual `.cuda()` fails with torch's "not compiled with CUDA": does the message say
    what to change (the device rule), on the function that made the call?"""
    code = (
        "import torch\n\n\ndef causal_mask(L):\n"
        "    return torch.ones(L, L, dtype=torch.bool).tril().cuda()\n"
    )
    r = grade_notebooks(
        "attention", {"cuda": with_code("attention", code)}, tmp_path, ["causal_mask"]
    )
    texts = r["cuda"].texts("causal_mask")
    assert r["cuda"].score == 0 and texts
    assert all("the grader runs on the CPU only" in t and ".cuda()" in t for t in texts), texts


def test_cli_grades_nbgrader_layout_and_exits_zero(tmp_path):
    """`dlnlp grade` takes nbgrader's submitted/<student>/<assignment>/ layout; exit 0 whatever the scores."""
    for student, nb in {"alice": solved("attention"), "bob": release("attention")}.items():
        folder = tmp_path / "course" / "submitted" / student / "attention"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "attention.ipynb")
    (tmp_path / "course" / "submitted" / "carol" / "attention").mkdir(
        parents=True
    )  # submitted nothing
    dlnlp = Path(sys.executable).parent / "dlnlp"
    proc = subprocess.run(
        [
            str(dlnlp),
            "grade",
            "attention",
            str(tmp_path / "course"),
            "--out",
            str(tmp_path / "out"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"alice\s+4/4\s+1/1\s+3/3\s+2/2\s+10/10\s+ok", proc.stdout)
    assert (tmp_path / "out" / "carol" / "results.json").exists()
    assert "unreadable" in (tmp_path / "out" / "grades.csv").read_text()


def test_cli_explains_what_it_cannot_do(tmp_path):
    """A missing path or unknown assignment exits non-zero with a message naming it."""
    dlnlp = Path(sys.executable).parent / "dlnlp"
    missing = subprocess.run(
        [str(dlnlp), "grade", "attention", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert missing.returncode != 0 and "nope: no such file or folder" in missing.stderr
    unknown = subprocess.run(
        [str(dlnlp), "grade", "attentoin", str(tmp_path), "--out", str(tmp_path / "o")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert unknown.returncode != 0 and "unknown assignment 'attentoin'" in unknown.stderr


def test_grading_log_names_the_isolation_layers(graded):
    log = (graded[1] / "grading.log").read_text()
    assert "isolation layers:" in log and "landlock" in log and "[2/2]" in log


def test_results_are_rewritten_atomically(graded):
    """No temporary files are left next to results."""
    assert not list(graded[1].rglob("*.tmp"))
