"""Can a class be graded in N shards, as N machines would (a Slurm array, a Kubernetes Indexed
Job), into one shared folder, and come out as one run would?"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
from click.testing import CliRunner

from dlnlp.cli import main
from dlnlp.grade.shard import Shard, ShardError
from sharding import ASSIGNMENT, STUDENTS, grade, graded, results, runs, write_class


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


def test_three_shards_one_killed_and_rerun_grade_the_class_as_one_run(tmp_path):
    """Three shards as separate processes into one folder, the second killed mid-run and run
    again, then a plain run: are the results those of a single run, every student graded
    exactly once, none missing, and grades.csv written only by the last plain run?"""
    folder = tmp_path / "class"
    write_class(folder)
    shared = tmp_path / "shared"
    single = tmp_path / "single"

    mine = {k: [s for s in STUDENTS if Shard(k, 3).holds(s)] for k in (1, 2, 3)}
    running = [grade(folder, shared, "--shard", f"{k}/3", wait=False) for k in (1, 2, 3)]
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
    grade(folder, shared, "--shard", "2/3")  # the rerun resumes what the kill left
    final = grade(folder, shared)
    assert f"run: {len(STUDENTS)} submissions, 0 to grade" in runs(shared)[-1]  # records sufficed
    grade(folder, single)

    assert results(shared) == results(single)
    assert set(results(shared)) == set(STUDENTS)
    # each student graded once across every shard run: one "[i/n] student:" line each
    assert graded(shared) == Counter(STUDENTS), graded(shared)
    rows = (shared / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(STUDENTS)
    assert "in grades.csv" in final


def test_shard_and_nbgrader_course_together_are_refused(tmp_path):
    result = CliRunner().invoke(
        main, ["grade", ASSIGNMENT, "--nbgrader-course", str(tmp_path), "--shard", "1/2"]
    )
    assert result.exit_code == 2 and "--shard" in result.output
