"""Can a class be graded in N shards, as N machines would (a Slurm array, a Kubernetes Indexed
Job), into one shared folder, and come out as one run would?"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from click.testing import CliRunner

from conftest import REPO
from dlnlp.cli import main
from dlnlp.grade.shard import Shard, ShardError

ASSIGNMENT = "attention"
SAMPLES = ["perfect", "partial", "cheating"]


def _class() -> dict[str, str]:
    """9 students, 3 in each of 3 shards, each shard with every sample: student -> sample."""
    picked: dict[str, str] = {}
    for k in (1, 2, 3):
        names = (f"student{i}" for i in range(1000) if Shard(k, 3).holds(f"student{i}"))
        picked |= {next(names): sample for sample in SAMPLES}
    return picked


CLASS = _class()
STUDENTS = sorted(CLASS)


def test_the_slices_are_disjoint_and_cover_the_class():
    """Is every student in exactly one of N slices, whatever N, and is a student's slice the
    same however the class is listed?"""
    ids = [f"student{i}" for i in range(500)] + ["José~a1b2c3", "x", ""]
    for n in (1, 2, 3, 7):
        shards = [Shard(k, n) for k in range(1, n + 1)]
        assert all(sum(s.holds(i) for s in shards) == 1 for i in ids)
    sizes = Counter(next(k for k in range(1, 4) if Shard(k, 3).holds(i)) for i in ids[:500])
    assert min(sizes.values()) > 100  # roughly even


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0", "-1/2"])
def test_a_malformed_shard_is_refused_with_the_form_to_use(text):
    with pytest.raises(ShardError, match="K/N"):
        Shard.parse(text)


def _grade(folder, out, *extra, wait=True):
    command = [sys.executable, "-m", "dlnlp", "grade", ASSIGNMENT, str(folder), "--out", str(out)]
    proc = subprocess.Popen(
        [*command, "--jobs", "1", *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # killed below as a whole (the grader and its sandbox)
    )
    if not wait:
        return proc
    out_text, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out_text
    return out_text


def _results(out) -> dict[str, dict]:
    """student -> results.json, without what differs from run to run (the time it took)."""
    found = {}
    for path in out.glob("*/results.json"):
        r = json.loads(path.read_text())
        r.pop("execution_time", None)
        for t in r.get("tests", []):
            t.pop("execution_time", None)
        found[path.parent.name] = r
    return found


def test_three_shards_one_killed_and_rerun_grade_the_class_as_one_run(tmp_path):
    """Three shards as separate processes into one folder, the second killed mid-run and run
    again, then a plain run: are the results those of a single run, every student graded
    exactly once, none missing, and grades.csv written only by the last plain run?"""
    folder = tmp_path / "class"
    folder.mkdir()
    for student, sample in CLASS.items():
        shutil.copy(REPO / "examples" / ASSIGNMENT / f"{sample}.ipynb", folder / f"{student}.ipynb")
    shared = tmp_path / "shared"
    single = tmp_path / "single"

    mine = {k: [s for s in STUDENTS if Shard(k, 3).holds(s)] for k in (1, 2, 3)}
    running = [_grade(folder, shared, "--shard", f"{k}/3", wait=False) for k in (1, 2, 3)]
    # kill shard 2 as soon as it has graded one student (or at once if it is that fast)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and running[1].poll() is None:
        if any((shared / s / "grading-record.json").is_file() for s in mine[2]):
            break
        time.sleep(0.2)
    assert running[1].poll() is None, "shard 2 ended before it could be killed"
    os.killpg(running[1].pid, signal.SIGKILL)
    running[1].wait()
    left = [s for s in mine[2] if not (shared / s / "grading-record.json").is_file()]
    assert left, "the kill came too late to leave shard 2 anything to resume"
    for proc in (running[0], running[2]):
        out_text, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out_text
    assert not (shared / "grades.csv").exists()  # a shard writes no class table
    _grade(folder, shared, "--shard", "2/3")  # the rerun resumes what the kill left
    final = _grade(folder, shared)
    runs = [line for line in (shared / "grading.log").read_text().splitlines() if "run: " in line]
    assert f"run: {len(STUDENTS)} submissions, 0 to grade" in runs[-1]  # the records sufficed
    _grade(folder, single)

    assert _results(shared) == _results(single)
    assert set(_results(shared)) == set(STUDENTS)
    # each student graded once across every shard run: one "[i/n] student:" line each
    graded = Counter(
        m[1]
        for line in (shared / "grading.log").read_text().splitlines()
        if (m := re.search(r"\[\d+/\d+\] (\S+): ", line))
    )
    assert graded == Counter(STUDENTS), graded
    rows = (shared / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(STUDENTS)
    assert "in grades.csv" in final


def test_shard_and_nbgrader_course_together_are_refused(tmp_path):
    result = CliRunner().invoke(
        main, ["grade", ASSIGNMENT, "--nbgrader-course", str(tmp_path), "--shard", "1/2"]
    )
    assert result.exit_code == 2 and "--shard" in result.output
