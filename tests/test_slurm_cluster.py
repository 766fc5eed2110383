"""Does a class graded by a Slurm job array, on a real single-node cluster (Debian's Slurm 22.05
and munge, started here), come out as one run would, with the array script the docs show?"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from conftest import REPO, skip_unless_deployable
from dlnlp.grade.shard import Shard
from sharding import ASSIGNMENT, STUDENTS, grade, graded, results, runs, write_class
from slurm_cluster import slurm_cluster, unavailable

SCRIPT = REPO / "docs" / "slurm" / "grade-array.sbatch"


def test_the_docs_show_the_array_script_that_is_run():
    """Does docs/instructors.md show docs/slurm/grade-array.sbatch as it is, so that what an
    instructor copies is what `make test-cluster` runs?"""
    assert SCRIPT.read_text() in (REPO / "docs" / "instructors.md").read_text()


@pytest.fixture
def cluster(tmp_path_factory):
    """A cluster for the test, stopped with every process it started whatever happens; skipped
    without Slurm, munge or root, unless DLNLP_REQUIRE_CLUSTER=1 (CI) makes that a failure."""
    skip_unless_deployable(unavailable())
    # tmp_path_factory's short folder: the munge socket's path must fit 108 bytes
    with slurm_cluster(tmp_path_factory.mktemp("slurm")) as started:
        yield started


@pytest.mark.cluster
def test_a_slurm_array_with_a_task_cancelled_and_resubmitted_grades_the_class_as_one_run(
    cluster, tmp_path
):
    """The docs' array script as 3 tasks into one folder, task 1 cancelled mid-run (scancel)
    and resubmitted alone, then the script's final run: are the results those of a single
    run, every student graded exactly once, none missing, and grades.csv written only by the
    final run?"""
    folder, shared, single = tmp_path / "class", tmp_path / "shared", tmp_path / "single"
    write_class(folder)
    export = f"--export=ALL,SHARDS=3,DLNLP_DIR={REPO},ASSIGNMENT={ASSIGNMENT}"
    export += f",SUBMISSIONS={folder},GRADED={shared}"
    # 1 core and 1 GiB a task (the script asks for 4 and 8G): 2 tasks at a time on 2 cores
    submit = [export, "--cpus-per-task=1", "--mem=1G", f"--output={tmp_path}/slurm-%A_%a.out"]
    job = cluster.sbatch(*submit, "--array=0-2", SCRIPT, cwd=tmp_path)

    # cancel task 1 (shard 2/3) once it has graded one of its students: after the first (its
    # warm-up, seconds) the next take a tenth of a second each, so look often (scancel's
    # SIGTERM reaches the job in about 30 ms here), and ask scontrol only now and then
    mine, task = [s for s in STUDENTS if Shard(2, 3).holds(s)], f"{job}_1"
    deadline, asked = time.monotonic() + 300, 0.0
    while not any((shared / s / "grading-record.json").is_file() for s in mine):
        if time.monotonic() - asked > 1:  # still waiting or running?
            if time.monotonic() > deadline or cluster.state(task) not in ("PENDING", "RUNNING"):
                break
            asked = time.monotonic()
        time.sleep(0.01)
    assert cluster.state(task) == "RUNNING", "task 1 ended before it could be cancelled"
    cluster.command("scancel", task)
    cluster.wait(job)
    # no accounting (sacct has nothing): scontrol still holds each task, the output says it too
    states = cluster.states(job)
    assert states["1"][0] == "CANCELLED", states
    assert states["0"] == states["2"] == ("COMPLETED", "0:0"), states
    assert "CANCELLED AT" in (tmp_path / f"slurm-{job}_1.out").read_text()
    left = [s for s in mine if not (shared / s / "grading-record.json").is_file()]
    assert left, "the cancel came too late to leave task 1 anything to resume"
    assert not (shared / "grades.csv").exists()  # a shard writes no class table

    rerun = cluster.sbatch(*submit, "--array=1", SCRIPT, cwd=tmp_path)  # resumes what was left
    cluster.wait(rerun)
    assert cluster.states(rerun) == {"1": ("COMPLETED", "0:0")}
    assert not (shared / "grades.csv").exists()
    submit[0] += ",FINAL=1"
    final = cluster.sbatch(*submit, "--array=0", SCRIPT, cwd=tmp_path)
    cluster.wait(final)
    assert cluster.states(final) == {"0": ("COMPLETED", "0:0")}
    assert f"run: {len(STUDENTS)} submissions, 0 to grade" in runs(shared)[-1]  # records sufficed
    assert "in grades.csv" in (tmp_path / f"slurm-{final}_0.out").read_text()
    grade(folder, single)

    assert results(shared) == results(single)
    assert set(results(shared)) == set(STUDENTS)
    assert graded(shared) == Counter(STUDENTS), graded(shared)  # once each, over every task
    rows = (shared / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(STUDENTS)
