"""Can a student's file name, or one student's output that cannot be written, stop the batch,
forge a row of the terminal table, plant a formula in a spreadsheet, or make the Gradescope
summary tell what a check shown only after the due date found?

The names are what a student (or an upload tool) chooses; they are all graded in one batch.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import COURSE, REPO, grade_notebooks, solved, with_code
from dlnlp.grade.batch import Options, grade_batch
from dlnlp.grade.collect import RESERVED, Submission, collect, student_id
from dlnlp.nbgrader.gradebook import _nbgrader_ids
from dlnlp.render.grades_csv import write_grades_csv
from dlnlp.render.gradescope import gradescope_dict
from dlnlp.report.matrix import write_matrix
from dlnlp.results import Failure, Results, points
from dlnlp.verdicts import Incident, Verdict

NAMES = [
    # the batch's own files and folders in OUT
    "grades.csv",
    "GRADES.CSV",
    "grading.log",
    "student-ids.csv",
    "report",
    "similarity",
    # what a spreadsheet runs as a formula
    '=HYPERLINK("evil.example","grade")',
    "+cmd",
    "-2+3",
    "@SUM(A1)",
    # terminal control: clear the screen, back to the line's start, a new line, bidi override
    "\x1b[2J\x1b[H",
    "bob\rmallory  10  ok",
    "eve\nforged  10  ok",
    "rlo\u202eevil",
    # the file system: one slug thrice, a name too long for a folder (a folder's dot-files are
    # not collected; a "..."/".hidden" file given by path: test_ids_given_by_path_are_safe_too)
    "a b",
    "a\tb",
    "a-b",
    "x" * 200,
    # ordinary ids stay as they are
    "ok",
    "alice@uni.edu",
]
SAFE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@~-]*")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

# right everywhere a check shown before the due date looks; the gradient of a 3-D call (which
# only the after_due_date check takes) is cut
LATE_FAIL = """
import math
import torch

def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    out = weights @ v
    return (out.detach() if q.dim() == 3 else out), weights
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("names")
    notebooks = {name: solved("attention") for name in NAMES}
    notebooks["late-fail"] = with_code("attention", LATE_FAIL)
    results = grade_notebooks("attention", notebooks, folder)
    return results, folder


def _ids(folder: Path) -> dict[str, str]:
    """name -> id, as the batch's collect gave them."""
    return {s.original: s.student for s in collect([folder / "in"], "attention")}


def _clean(text: str) -> bool:
    return all(c == "\n" or c.isprintable() for c in text)


def test_names_of_the_batchs_own_files_stop_no_one(batch):
    """Is every student graded, with full marks, and do grades.csv and grading.log stay the
    batch's files, whatever the students' files are called?"""
    results, folder = batch
    out = folder / "out"
    ids = _ids(folder)
    assert len(results) == len(NAMES) + 1
    for name in NAMES:
        r = results[ids[name]]
        assert r.score == r.max_score == 10, (name, r.status_message())
        assert json.loads((out / ids[name] / "results.json").read_text())["score"] == 10
    assert (out / "grades.csv").is_file() and (out / "grading.log").is_file()
    assert (out / "student-ids.csv").is_file() and not (out / "report").exists()


def test_ids_are_safe_one_to_one_and_stable(batch):
    """Is every id a plain, bounded folder name, none of the batch's own, no two students the
    same, ordinary ids kept, and the same id on the next run?"""
    ids = _ids(batch[1])
    assert sorted(ids) == sorted(NAMES + ["late-fail"])
    assert len(set(ids.values())) == len(ids)
    for name, sid in ids.items():
        assert SAFE.fullmatch(sid) and len(sid) <= 64, (name, sid)
        assert sid.casefold() not in RESERVED and sid not in (".", "..")
        assert sid == student_id(name)
    assert ids["ok"] == "ok" and ids["alice@uni.edu"] == "alice@uni.edu" and ids["a-b"] == "a-b"


def test_ids_given_by_path_are_safe_too(tmp_path):
    """A file named "...ipynb" (stem "..") or ".hidden.ipynb", given by path, is graded under
    an id of its own that climbs nowhere and is not the id of "hidden.ipynb"."""
    paths = [tmp_path / n for n in ("...ipynb", ".hidden.ipynb", "hidden.ipynb")]
    for p in paths:
        p.write_text("{}")
    ids = [s.student for s in collect(paths, "attention")]
    assert len(set(ids)) == 3 and ids[2] == "hidden"
    assert all(SAFE.fullmatch(i) and i not in (".", "..") for i in ids)


def test_an_instructor_can_tell_which_file_became_which_id(batch):
    """Does student-ids.csv give each id its name and path (control characters escaped), and
    does grading.log say each renamed one?"""
    out = batch[1] / "out"
    ids = _ids(batch[1])
    text = (out / "student-ids.csv").read_text()
    assert _clean(text)
    rows = {row["student"]: row for row in csv.DictReader(text.splitlines())}
    assert set(rows) == set(ids.values())
    assert rows[ids["\x1b[2J\x1b[H"]]["name"] == "\\x1b[2J\\x1b[H"
    assert rows[ids["a b"]]["name"] == "a b" and rows[ids["a b"]]["path"].endswith("/a b.ipynb")
    log = (out / "grading.log").read_text()
    assert _clean(log)
    assert f"student id {ids['grades.csv']} for grades.csv" in log


def test_grades_csv_has_one_row_per_submission_and_no_formula(batch):
    results, folder = batch
    rows = list(csv.reader((folder / "out" / "grades.csv").open()))
    assert len(rows) == 1 + len(results)
    assert {row[0] for row in rows[1:]} == set(results)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or re.fullmatch(r"-?\d+(\.\d+)?", cell)


def test_status_messages_and_old_records_cannot_become_formulas(tmp_path):
    """A status message starts with whatever a problem says; a record from an older kit may
    carry any id: grades.csv and tests.csv escape both, and leave numbers alone."""
    r = Results(student="=cmd|' /C calc'!A0", assignment="attention", submission="x.ipynb")
    r.problems = ['=HYPERLINK("evil.example")', "@SUM(1)"]
    write_grades_csv([r], ["causal_mask"], tmp_path / "grades.csv")
    write_matrix([r], tmp_path / "tests.csv")
    for name in ("grades.csv", "tests.csv"):
        rows = list(csv.reader((tmp_path / name).open()))
        assert rows[1][0] == "'=cmd|' /C calc'!A0"
        assert all(not c.startswith(FORMULA_START) for row in rows for c in row)
    assert list(csv.reader((tmp_path / "grades.csv").open()))[1][1:4] == ["0", "0", "0"]


def test_the_terminal_shows_no_control_characters(batch):
    """Does `dlnlp -v grade` (here resuming the batch: nothing to grade again) print the table
    and its log with every student's name escaped, one line per student?"""
    results, folder = batch
    proc = subprocess.run(
        [sys.executable, "-m", "dlnlp.cli", "-v", "grade", "attention", str(folder / "in")]
        + ["--out", str(folder / "out"), "--root", str(REPO), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert _clean(proc.stdout) and _clean(proc.stderr)
    assert f"{len(results)} submissions, 0 to grade" in proc.stderr  # same ids: all resumed
    table = proc.stdout.split("\n\n")[0].splitlines()
    assert len(table) == 2 + len(results)  # header, rule, a row each: none forged
    assert not any(
        "mallory" in line and not line.startswith("bob-mallory-10-ok~") for line in table
    )


@pytest.mark.parametrize("jobs", [1, 2], ids=["serial", "pool"])
def test_a_write_error_costs_only_that_student(tmp_path, jobs):
    """A student's output folder that is a file, or a results.json that is a folder: that
    student gets an internal-error row, the batch goes on and grades the others (serially,
    and in the pool, where the grader process fails and the parent writes the error)."""
    subs = tmp_path / "in"
    subs.mkdir()
    for name in ("bob", "carol", "dave"):
        (subs / f"{name}.ipynb").write_text(json.dumps(solved("attention")))
    out = tmp_path / "out"
    out.mkdir()
    (out / "bob").write_text("not a folder")
    (out / "carol" / "results.json").mkdir(parents=True)
    results = grade_batch(
        COURSE, "attention", [subs], out, Options(jobs=jobs, only=["causal_mask"])
    )
    by_id = {r.student: r for r in results}
    assert by_id["dave"].score == by_id["dave"].max_score > 0
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert set(rows) == {"bob", "carol", "dave"}
    for broken in ("bob", "carol"):
        assert "internal grading error" in rows[broken]["status"]
        assert Incident.INTERNAL_ERROR in by_id[broken].incidents()


def _gradescope(r: Results, default: str) -> dict:
    config = COURSE.config()
    return gradescope_dict(
        r, visibility=lambda t: config.visibility("attention", t.function, t.test), default=default
    )


def test_gradescope_summary_counts_only_the_checks_shown_before_the_due_date(batch):
    """The top-level output counts only tests whose visibility is `visible`, and gives no total
    while a test is held back: failing only an after_due_date check changes nothing in it
    (the top-level score, which counts it, Gradescope hides while any test is hidden)."""
    results, folder = batch
    late, perfect = results["late-fail"], results["ok"]
    shown = {e["name"]: e["visibility"] for e in _gradescope(late, "visible")["tests"]}
    failed = [t for t in late.tests if t.status == "failed"]
    assert failed and all(shown[t.name] == "after_due_date" for t in failed)  # the attack is real
    said = _gradescope(late, "visible")["output"]
    assert said == _gradescope(perfect, "visible")["output"]
    assert "points from the checks shown now" in said.splitlines()[0]
    assert points(perfect.score) not in said.splitlines()[0]  # 10: the total counts it
    hidden_total = _gradescope(late, "after_due_date")["output"]
    assert hidden_total == _gradescope(perfect, "after_due_date")["output"]
    assert str(late.score) not in hidden_total and "points." not in hidden_total


def test_a_function_whose_checks_are_all_held_back_shows_no_count_or_note(batch):
    """Neither a count nor a note (a timeout, a crash: from any of its checks) of a function
    none of whose checks is shown yet."""
    r = batch[0]["late-fail"].model_copy(deep=True)
    r.functions[0].failure = Failure(
        verdict=Verdict.TIMEOUT, message="timed out: your code ran past the time limit"
    )
    text = r.summary(shown=lambda t: t.function != r.functions[0].name, total=False)
    line = next(x for x in text.splitlines() if x.startswith(f"- {r.functions[0].name}:"))
    assert "checks passed" not in line and "timed out" not in text and "/" not in line
    assert r.summary().count("checks passed") == len(r.functions)  # locally: everything


def test_an_nbgrader_student_keeps_their_nbgrader_id_in_the_gradebook(tmp_path):
    """nbgrader's own student id (its submitted/ folder name) is what the gradebook gets back,
    even when dlnlp graded the folder under a safe id of its own."""
    for name in ("José Núñez", ".bob", "ok"):
        (tmp_path / "submitted" / name / "attention").mkdir(parents=True)
    coursedir = SimpleNamespace(root=str(tmp_path), submitted_directory="submitted")
    names = _nbgrader_ids(coursedir)
    subs = collect([tmp_path / "submitted"], "attention")
    assert {names[s.student] for s in subs} == {"José Núñez", ".bob", "ok"}
    assert Submission("ok", tmp_path).student == "ok"


def test_student_takes_the_name_as_submitted_or_its_id(batch):
    """`--student "a b"` regrades the student whose file is "a b.ipynb" (id a-b~...), and only
    that one; `--student <id>` does the same."""
    results, folder = batch
    sid = student_id("a b")
    log = folder / "out" / "grading.log"
    for wanted in ("a b", sid):
        before = log.read_text().count(f"[1/1] {sid}: 10/10 ok")
        again = grade_batch(
            COURSE,
            "attention",
            [folder / "in"],
            folder / "out",
            Options(jobs=1, students=[wanted], only=["causal_mask"]),
        )
        assert len(again) == len(results)
        assert log.read_text().count(f"[1/1] {sid}: 10/10 ok") == before + 1
