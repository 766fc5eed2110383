"""Can a notebook make the trusted side work or write without bound? Its code is the student's:
30,000 refused lines, a 400 kB cell, a notebook larger than the grader reads. Extraction, the
code policy and `dlnlp similarity`'s reading must stay linear, say a few problems (not one per
line), and give up on a notebook past their size and time limits with a clear message, the
batch going on."""

from __future__ import annotations

import json
import time

import nbformat
import pytest

from conftest import COURSE, grade_notebooks, solved
from dlnlp.grade import policy, untrusted
from dlnlp.grade.extract import MAX_CODE, extract
from dlnlp.grade.untrusted import PROBLEMS, ReadTooLong, read_within

ASSIGNMENT = "attention"


def _refused_lines(n: int) -> nbformat.NotebookNode:
    """The perfect notebook plus a cell of `n` refused imports, each its own problem."""
    nb = solved(ASSIGNMENT)
    nb.cells.append(nbformat.v4.new_code_cell("import os\n" * n))
    return nb


def test_refused_lines_cost_linear_time_and_a_few_problems():
    """4x the lines, at most ~4x the time (it was quadratic: 32k lines took 21 s), and the
    same 10 problems plus a count, however many lines."""
    times = {}
    for n in (8_000, 32_000):
        start = time.perf_counter()
        found = extract(_refused_lines(n), list(COURSE.config().assignment(ASSIGNMENT).functions))
        policy.enforce(found)
        times[n] = time.perf_counter() - start
        said = found.said()
        assert len(said) == PROBLEMS + 1 and said[-1].startswith(f"... and {n - PROBLEMS} more")
    assert times[32_000] < 5.0 and times[32_000] < 8 * times[8_000] + 0.5, times  # was 21 s


def test_a_notebook_of_refused_lines_makes_small_outputs_and_keeps_its_score(tmp_path):
    """30,000 refused lines beside a perfect solution: full marks, and results.json and the
    grades.csv status stay small (they were 2.4 MB each)."""
    results = grade_notebooks(ASSIGNMENT, {"spam": _refused_lines(30_000)}, tmp_path)
    r = results["spam"]
    assert r.score == r.max_score
    out = tmp_path / "out"
    assert (out / "spam" / "results.json").stat().st_size < 30_000
    row = (out / "grades.csv").read_text().splitlines()[1]
    assert len(row) < 3_000
    assert json.loads((out / "spam" / "results.json").read_text())["output"].count("\n") < 40


def test_a_notebook_over_the_size_limit_gets_zero_and_says_why(tmp_path):
    big = solved(ASSIGNMENT)
    big.cells.append(nbformat.v4.new_code_cell("x = 1\n" + "#" * MAX_CODE))
    results = grade_notebooks(ASSIGNMENT, {"big": big, "ok": solved(ASSIGNMENT)}, tmp_path)
    assert results["big"].status == "unreadable" and results["big"].score == 0
    assert f"{MAX_CODE:,}" in results["big"].problems[0]
    assert results["ok"].score == results["ok"].max_score  # the batch went on


def test_reading_past_the_time_limit_is_stopped():
    with pytest.raises(ReadTooLong, match="took more than 0.2 s"):
        with read_within(0.2):
            while True:
                pass
    with read_within(5):  # and no alarm is left behind
        time.sleep(0.3)


def test_a_notebook_read_past_the_time_limit_gets_zero_and_says_why(tmp_path, monkeypatch):
    """Reading a big but legal notebook is stopped at READ_SECONDS (here tiny): 0 and why."""
    monkeypatch.setattr(untrusted, "READ_SECONDS", 0.001)
    from dlnlp.grade.batch import Options, grade_batch

    folder = tmp_path / "in"
    folder.mkdir()
    nbformat.write(_refused_lines(30_000), folder / "slow.ipynb")
    [r] = grade_batch(COURSE, ASSIGNMENT, [folder], tmp_path / "out", Options(jobs=1))
    assert r.status == "unreadable" and "took more than" in r.problems[0]


def test_similarity_reads_a_big_notebook_in_linear_time(tmp_path):
    """A 360 kB notebook of many short statements (it took 234 s: the cell was split once per
    statement) is read and compared in seconds."""
    from dlnlp.similarity.sources import read_submission

    nb = solved(ASSIGNMENT)
    nb.cells.append(nbformat.v4.new_code_cell("".join(f"X{i} = {i}\n" for i in range(28_000))))
    path = tmp_path / "big.ipynb"
    nbformat.write(nb, path)
    start = time.perf_counter()
    code = read_submission("big", path, list(COURSE.config().assignment(ASSIGNMENT).functions))
    assert time.perf_counter() - start < 5
    assert set(code.functions) == set(COURSE.config().assignment(ASSIGNMENT).functions)
