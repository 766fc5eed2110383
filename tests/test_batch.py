"""Does a batch grade in parallel, resume after an interruption (even SIGKILL) without losing or
duplicating anyone, skip what is unchanged, and regrade exactly what --force, --student and
--only ask for?

Each test grades attention notebooks in its own copy of the course (so that it may edit hidden
tests and limits), with a 2 s call limit so that infinite loops are quick.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from conftest import COURSE, REPO, with_code
from dlnlp.config import ConfigError
from dlnlp.course import Course
from dlnlp.grade.batch import Options, grade_batch
from dlnlp.grade.resume import RECORD
from dlnlp.verdicts import Incident

LOOP = "def causal_mask(L):\n    while True:\n        pass\n"


@pytest.fixture
def course(tmp_path) -> Course:
    """A copy of the course holding attention only, with a 2 s call limit."""
    root = tmp_path / "course"
    for part in ("autograder/attention", "assignments/attention", "release/attention"):
        shutil.copytree(COURSE.root / part, root / part)
    (root / "solutions").mkdir()
    shutil.copy(COURSE.solution("attention"), root / "solutions" / "attention.py")
    text = COURSE.config_path.read_text().replace("call_seconds: 10 ", "call_seconds: 2 ")
    (root / "grader_config.yaml").write_text(text)
    return Course(root)


def notebooks(folder: Path, n_good: int, n_loops: int = 0) -> Path:
    """n_good correct notebooks (good00...) and n_loops with an infinite loop (zloop0...)."""
    folder.mkdir(parents=True, exist_ok=True)
    perfect = with_code("attention", (REPO / "tests/alternatives/attention/einsum.py").read_text())
    for i in range(n_good):
        nbformat.write(perfect, folder / f"good{i:02d}.ipynb")
    for i in range(n_loops):
        nbformat.write(with_code("attention", LOOP), folder / f"zloop{i}.ipynb")
    return folder


def records(out: Path) -> dict[str, float]:
    """student -> mtime of their grading record."""
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob(f"*/{RECORD}")}


def csv_students(out: Path) -> list[str]:
    with open(out / "grades.csv") as f:
        return [row["student"] for row in csv.DictReader(f)]


def test_parallel_batch_grades_everyone_like_a_serial_one(course, tmp_path):
    subs = notebooks(tmp_path / "in", 4, 1)
    parallel = grade_batch(course, "attention", [subs], tmp_path / "p", Options(jobs=2))
    serial = grade_batch(course, "attention", [subs], tmp_path / "s", Options(jobs=1))
    assert [r.student for r in parallel] == [r.student for r in serial]
    assert [r.score for r in parallel] == [r.score for r in serial] == [10, 10, 10, 10, 9]
    assert Incident.TIMEOUT in parallel[-1].incidents()
    assert sorted(csv_students(tmp_path / "p")) == [r.student for r in serial]


def test_rerun_skips_the_unchanged_and_regrades_a_changed_notebook(course, tmp_path):
    subs = notebooks(tmp_path / "in", 3)
    out = tmp_path / "out"
    grade_batch(course, "attention", [subs], out, Options(jobs=2))
    first = records(out)
    again = grade_batch(course, "attention", [subs], out, Options(jobs=2))
    assert records(out) == first and len(again) == 3  # nothing regraded, everyone reported
    nbformat.write(with_code("attention", LOOP), subs / "good01.ipynb")
    again = grade_batch(course, "attention", [subs], out, Options(jobs=2))
    now = records(out)
    assert [s for s in now if now[s] != first[s]] == ["good01"]
    assert {r.student: r.score for r in again} == {"good00": 10, "good01": 9, "good02": 10}


def test_force_regrades_everyone(course, tmp_path):
    subs = notebooks(tmp_path / "in", 2)
    out = tmp_path / "out"
    grade_batch(course, "attention", [subs], out)
    first = records(out)
    grade_batch(course, "attention", [subs], out, Options(force=True))
    assert all(records(out)[s] != first[s] for s in first)


def test_student_regrades_only_that_student_and_keeps_everyone_in_the_table(course, tmp_path):
    subs = notebooks(tmp_path / "in", 3)
    out = tmp_path / "out"
    grade_batch(course, "attention", [subs], out)
    first = records(out)
    results = grade_batch(course, "attention", [subs], out, Options(students=["good02"]))
    now = records(out)
    assert [s for s in now if now[s] != first[s]] == ["good02"]
    assert len(results) == 3 and sorted(csv_students(out)) == ["good00", "good01", "good02"]


def test_a_changed_test_file_regrades_only_its_function(course, tmp_path):
    subs = notebooks(tmp_path / "in", 2)
    out = tmp_path / "out"
    before = grade_batch(course, "attention", [subs], out)
    # a new hidden test for causal_mask that every submission fails
    test_file = course.hidden_tests("attention") / "test_causal_mask.py"
    test_file.write_text(
        test_file.read_text()
        + '\n\ndef test_new_check(student):\n    """a new check"""\n    assert False\n'
    )
    after = grade_batch(course, "attention", [subs], out)
    for b, a in zip(before, after, strict=True):
        fns_b = {f.name: f for f in b.functions}
        fns_a = {f.name: f for f in a.functions}
        assert fns_a["causal_mask"].total == fns_b["causal_mask"].total + 1
        assert fns_a["causal_mask"].score < fns_b["causal_mask"].score
        # the other functions were not run again: their results are carried over as they were
        for fn in ("scaled_dot_product_attention", "multi_head_attention"):
            assert fns_a[fn] == fns_b[fn]
        assert [t for t in a.tests if t.function != "causal_mask"] == [
            t for t in b.tests if t.function != "causal_mask"
        ]


def test_only_regrades_that_function_even_when_shared_helpers_changed(course, tmp_path):
    subs = notebooks(tmp_path / "in", 2)
    out = tmp_path / "out"
    first = records(out) if grade_batch(course, "attention", [subs], out) else {}
    # a shared helper changes (a plain re-run would regrade everything), and a new
    # multi_head_attention test fails everyone; --only causal_mask runs causal_mask's tests alone
    inputs = course.hidden_tests("attention") / "inputs.py"
    inputs.write_text(inputs.read_text() + "\n# a comment: the shared helpers changed\n")
    mha = course.hidden_tests("attention") / "test_multi_head_attention.py"
    mha.write_text(
        mha.read_text() + '\n\ndef test_new(student):\n    """new"""\n    assert False\n'
    )
    after = grade_batch(course, "attention", [subs], out, Options(only=["causal_mask"]))
    assert all(r.score == 10 for r in after)  # multi_head_attention's tests did not run
    assert all(records(out)[s] != first[s] for s in first)  # but causal_mask's did
    # without --only, the change to the shared helpers regrades everything
    after = grade_batch(course, "attention", [subs], out)
    assert all(r.score < 10 for r in after)


def test_only_on_a_first_run_grades_that_function_alone_and_a_plain_run_the_rest(course, tmp_path):
    """--only on never-graded notebooks: results for that function alone; the next plain run
    grades the other functions and ends where grading everything at once would."""
    subs = notebooks(tmp_path / "in", 2)
    out = tmp_path / "out"
    first = grade_batch(course, "attention", [subs], out, Options(only=["causal_mask"]))
    assert all([f.name for f in r.functions] == ["causal_mask"] for r in first)
    assert {t.function for r in first for t in r.tests} == {"causal_mask"}
    rest = {r.student: r for r in grade_batch(course, "attention", [subs], out)}
    whole = {r.student: r for r in grade_batch(course, "attention", [subs], tmp_path / "whole")}
    for student, r in whole.items():
        assert rest[student].functions == r.functions
        assert [t.name for t in rest[student].tests] == [t.name for t in r.tests]


def test_only_for_grades_each_listed_student_on_their_functions_and_the_rest_on_all(
    course, tmp_path
):
    """Options.only_for (the mutant catalogue's batches): does each listed student get results
    for their functions alone, and a student not listed the whole assignment?"""
    subs = notebooks(tmp_path / "in", 3)
    only_for = {"good00": ["causal_mask"], "good01": ["causal_mask", "multi_head_attention"]}
    options = Options(only_for=only_for)
    got = {r.student: r for r in grade_batch(course, "attention", [subs], tmp_path / "o", options)}
    for student, functions in only_for.items():
        assert [f.name for f in got[student].functions] == functions
        assert {t.function for t in got[student].tests} == set(functions)
    assert [f.name for f in got["good02"].functions] == list(
        course.config().assignment("attention").functions
    )
    with pytest.raises(ConfigError, match="not a graded function"):
        grade_batch(
            course, "attention", [subs], tmp_path / "p", Options(only_for={"good00": ["x"]})
        )


def test_only_names_an_unknown_function(course, tmp_path):
    with pytest.raises(ConfigError, match="not a graded function"):
        grade_batch(
            course,
            "attention",
            [notebooks(tmp_path / "in", 1)],
            tmp_path / "o",
            Options(only=["x"]),
        )


def test_a_batch_killed_halfway_resumes_without_loss_or_duplicates(course, tmp_path):
    """SIGKILL the grader while the last two submissions loop; re-run the same command."""
    subs = notebooks(tmp_path / "in", 8, 2)
    out = tmp_path / "out"
    cmd = [
        str(Path(sys.executable).parent / "dlnlp"),
        "grade",
        "attention",
        str(subs),
        "--out",
        str(out),
        "--jobs",
        "2",
        "--root",
        str(course.root),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(records(out)) < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    graded_before = records(out)
    # its grader processes, its zygote and the sandbox workers (by parent links, not by name:
    # other test workers may be grading beside this one)
    tree = _descendants(proc.pid)
    assert len(tree) >= 3, "the batch's processes were not found"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < len(graded_before) < 10, "the batch was not interrupted halfway"
    for path in out.glob(f"*/{RECORD}"):  # whatever was written is whole
        json.loads(path.read_text())
    assert not list(out.glob("*/.*.tmp"))
    time.sleep(0.5)  # the grader's processes, its zygote and the sandbox workers die with it
    leftovers = subprocess.run(
        ["pgrep", "-f", "--", f"--root {course.root}"], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == [] and not _alive(tree), (leftovers, _alive(tree))

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    now = records(out)
    assert len(now) == 10
    assert all(now[s] == graded_before[s] for s in graded_before)  # nothing graded twice
    students = csv_students(out)
    assert sorted(students) == sorted(now) and len(set(students)) == 10
    log = (out / "grading.log").read_text()
    assert f"{10 - len(graded_before)} to grade ({len(graded_before)} unchanged" in log


def _parents() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) for every process, from /proc/<pid>/stat."""
    found = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:  # "pid (comm) state ppid ...": comm may hold spaces and parentheses
                state, ppid = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            found[int(d)] = (int(ppid), state)
    return found


def _descendants(pid: int) -> set[int]:
    parents, found, frontier = _parents(), set(), {pid}
    while frontier:
        frontier = {p for p, (pp, _) in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    """Those of `pids` still running (a zombie has finished)."""
    return {p for p, (_, state) in _parents().items() if p in pids and state != "Z"}


def test_nothing_is_left_running_after_a_batch(course, tmp_path):
    before = set(os.listdir("/proc"))
    grade_batch(
        course, "attention", [notebooks(tmp_path / "in", 2, 1)], tmp_path / "o", Options(jobs=2)
    )
    time.sleep(0.3)
    children = []
    for pid in set(os.listdir("/proc")) - before:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().split()
        except OSError:
            continue
        if stat[3] == str(os.getpid()):
            children.append(pid)
    assert children == []
