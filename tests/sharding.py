"""A sample class for the tests that grade it in shards (processes, a Slurm array): attention's
example notebooks as 21 students in 3 shards; a `dlnlp grade` run over it; and what the runs
left in their folder, less what differs from run to run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import REPO
from dlnlp.grade.shard import Shard

ASSIGNMENT = "attention"
SAMPLES = ["perfect", "partial", "cheating"]


# students in each shard: the tests stop shard 2 once it has graded one, and its later students
# take about a tenth of a second each, so with only 3 the stop (a poll, then SIGKILL or scancel)
# could come after the last of them (seen once in about ten Slurm runs); 15 leave seconds
PER_SHARD = {1: 3, 2: 15, 3: 3}


def _class() -> dict[str, str]:
    """21 students, PER_SHARD of each of 3 shards, each shard with every sample: student ->
    sample."""
    picked: dict[str, str] = {}
    for k, n in PER_SHARD.items():
        names = (f"student{i}" for i in range(1000) if Shard(k, 3).holds(f"student{i}"))
        picked |= {next(names): SAMPLES[j % len(SAMPLES)] for j in range(n)}
    return picked


CLASS = _class()
STUDENTS = sorted(CLASS)


def write_class(folder: Path) -> None:
    """Each student's notebook, a copy of their sample, as folder/<student>.ipynb."""
    folder.mkdir(parents=True)
    for student, sample in CLASS.items():
        shutil.copy(REPO / "examples" / ASSIGNMENT / f"{sample}.ipynb", folder / f"{student}.ipynb")


def grade(folder, out, *extra, wait=True):
    """`dlnlp grade` over folder into out on 1 grader process; with wait=False, the process
    (in a session of its own, to be killed as a whole: the grader and its sandbox)."""
    command = [sys.executable, "-m", "dlnlp", "grade", ASSIGNMENT, str(folder), "--out", str(out)]
    proc = subprocess.Popen(
        [*command, "--jobs", "1", *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    if not wait:
        return proc
    out_text, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out_text
    return out_text


def results(out: Path) -> dict[str, dict]:
    """student -> results.json, without what differs from run to run (the time it took)."""
    found = {}
    for path in out.glob("*/results.json"):
        r = json.loads(path.read_text())
        r.pop("execution_time", None)
        for t in r.get("tests", []):
            t.pop("execution_time", None)
        found[path.parent.name] = r
    return found


def graded(out: Path) -> Counter[str]:
    """How many times each student was graded into out, over every run: one "[i/n] student:"
    line of grading.log each."""
    return Counter(
        m[1]
        for line in (out / "grading.log").read_text().splitlines()
        if (m := re.search(r"\[\d+/\d+\] (\S+): ", line))
    )


def runs(out: Path) -> list[str]:
    """grading.log's line for each run into out ("run: 9 submissions, 0 to grade, ...")."""
    return [line for line in (out / "grading.log").read_text().splitlines() if "run: " in line]
