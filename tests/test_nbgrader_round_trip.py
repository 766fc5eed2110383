"""Does nbgrader's whole workflow run in one course folder with dlnlp as its grading engine?

release_assignment -> each student's fetch_assignment and submit -> collect -> `nbgrader
autograde` (which grades with dlnlp: the course's nbgrader_config.py puts dlnlp's preprocessor
in place of nbgrader's Execute) -> a TA's manual score -> generate_feedback -> release_feedback
-> the student's fetch_feedback, all with nbgrader's own CLI; then `dlnlp grade
--nbgrader-course` over the same course must leave the gradebook as nbgrader's path did."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from dlnlp.build.release import nbgrader

ASSIGNMENT = "attention"
COURSE_ID = "dlnlp-101"
# student -> the notebook they hand in (None: the release as fetched, untouched; bytes: a
# notebook cut off in transit, which nbformat cannot read)
HAND_IN = {"ada": "perfect.ipynb", "ben": "partial.ipynb", "cy": None, "dee": b'{"cells": ['}


def _as_student(student: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    """An nbgrader command run by `student` in their own folder (their own nbgrader_config.py)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, f"--student={student}", "--log-level=WARN"],
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
    )
    assert proc.returncode == 0, f"nbgrader {args} as {student}:\n{proc.stdout}{proc.stderr}"
    return proc


def _as_instructor(root: Path, *args: str) -> subprocess.CompletedProcess:
    proc = nbgrader(*args, root=root)
    assert proc.returncode == 0, f"nbgrader {args}:\n{proc.stdout}{proc.stderr}"
    return proc


def _gradebook(root: Path) -> dict[tuple[str, str], tuple]:
    """(student, cell) -> (auto score, manual score, needs manual grade, auto comment)."""
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    coursedir = course_directory(root)
    out = {}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for student in HAND_IN:
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            for g in nb.grades:
                # only the written answers (solution cells) have comments
                comment = (
                    None
                    if g.name.startswith("check_")
                    else gb.find_comment(g.name, ASSIGNMENT, ASSIGNMENT, student).auto_comment
                )
                auto = None if g.auto_score is None else round(g.auto_score, 6)
                out[student, g.name] = (auto, g.manual_score, g.needs_manual_grade, comment)
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course after the round trip up to autograde: (course root, student homes)."""
    base = tmp_path_factory.mktemp("roundtrip")
    root = base / COURSE_ID
    build = subprocess.run(
        [sys.executable, "-m", "dlnlp", "build", ASSIGNMENT, "--nbgrader-course", str(root)],
        capture_output=True,
        text=True,
        cwd=base,  # outside the repository: dlnlp finds its course from its own install
    )
    assert build.returncode == 0, build.stdout + build.stderr
    _as_instructor(root, "release_assignment", ASSIGNMENT)
    homes = {}
    for student, sample in HAND_IN.items():
        home = homes[student] = base / "home" / student
        home.mkdir(parents=True)
        exchange = root / "exchange"
        (home / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n"
            # each student's own submission cache (one machine plays every student here)
            f"c.Exchange.cache = {str(home / '.nbgrader_cache')!r}\n"
        )
        _as_student(student, home, "fetch_assignment", ASSIGNMENT)
        fetched = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert fetched.is_file()
        if isinstance(sample, bytes):
            fetched.write_bytes(sample)
        elif sample:
            shutil.copy(REPO / "examples" / ASSIGNMENT / sample, fetched)
        _as_student(student, home, "submit", ASSIGNMENT)
    _as_instructor(root, "collect", ASSIGNMENT)
    _as_instructor(root, "autograde", ASSIGNMENT)
    return root, homes


def test_nbgrader_autograde_gives_dlnlps_scores(course):
    """After collect and `nbgrader autograde`, does the gradebook hold, per function, the
    score in the results.json dlnlp wrote, and does export round it?"""
    root, _ = course
    gradebook = _gradebook(root)
    for student in HAND_IN:
        results = json.loads((root / "dlnlp" / ASSIGNMENT / student / "results.json").read_text())
        ours = {}
        for t in results["tests"]:
            fn = t["name"].split(": ", 1)[0]
            ours[fn] = ours.get(fn, 0) + t["score"]
        for fn, score in ours.items():
            assert gradebook[student, f"check_{fn}"][0] == pytest.approx(score, abs=1e-5)
    _as_instructor(root, "export")
    with open(root / "grades.csv") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    assert exported["ada"]["raw_score"] == "10.0" and exported["cy"]["raw_score"] == "0.0"
    raw = exported["ben"]["raw_score"]
    assert 0 < float(raw) < 10 and len(raw.split(".")[1]) <= 2, raw


def test_the_autograded_check_cells_say_why_points_were_lost(course):
    """Does each check cell in autograded/ carry dlnlp's verdict: the score, the hint of a
    catalogued mistake, and nothing of the hidden tests' inputs?"""
    import nbformat

    root, _ = course
    nb = nbformat.read(root / "autograded/ben" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    said = {
        c.metadata.nbgrader["grade_id"]: "".join(o.get("text", "") for o in c.outputs)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_")
    }
    assert "Hint:" in said["check_scaled_dot_product_attention"]
    assert "scored 0.67 of 4 points" in said["check_scaled_dot_product_attention"]
    assert said["check_multi_head_attention"].startswith("✓ dlnlp: multi_head_attention scored 3")
    assert not any("tensor(" in text for text in said.values())


def test_feedback_reaches_the_student_with_the_hints(course):
    """generate_feedback -> release_feedback -> the student's fetch_feedback: does the page the
    student gets say what dlnlp's verdict says?"""
    root, homes = course
    made = _as_instructor(root, "generate_feedback", ASSIGNMENT)
    # the kit's config raises no warning of its own ("Config option ... not recognized")
    assert "not recognized" not in made.stdout + made.stderr, made.stderr
    _as_instructor(root, "release_feedback", ASSIGNMENT)
    _as_student("ben", homes["ben"], "fetch_feedback", ASSIGNMENT)
    pages = list((homes["ben"] / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1
    page = pages[0].read_text()
    assert "the scores are not scaled" in page and "scored 0.67 of 4 points" in page


def _written_answer(gb, student: str):
    nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
    return next(g for g in nb.grades if not g.name.startswith("check_"))


def test_autograde_of_an_unreadable_notebook_keeps_its_grade(course):
    """`nbgrader autograde --force` on a notebook cut off in transit: nbgrader alone stops with
    a traceback after removing autograded/STUDENT. With dlnlp's config, does it exit 0, leave
    an autograded notebook whose check cells say why, and keep a TA's manual score?"""
    import nbformat
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    root, _ = course
    coursedir = course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        _written_answer(gb, "dee").manual_score = 0.5
        gb.db.commit()
    # scores and comments (needs_manual_grade is nbgrader's to set: a manual score marks it)
    before = {k: (v[0], v[1], v[3]) for k, v in _gradebook(root).items() if k[0] == "dee"}
    proc = _as_instructor(root, "autograde", ASSIGNMENT, "--student=dee", "--force")
    assert "Traceback" not in proc.stdout + proc.stderr
    nb = nbformat.read(root / "autograded/dee" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    said = [
        "".join(o.get("text", "") for o in c.outputs)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_")
    ]
    assert said and all(s.startswith("✗ dlnlp:") for s in said)
    assert "could not be read" in said[0] or "unreadable" in said[0], said[0]
    after = {k: (v[0], v[1], v[3]) for k, v in _gradebook(root).items() if k[0] == "dee"}
    assert after == before and any(v[1] == 0.5 for v in after.values())
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        _written_answer(gb, "dee").manual_score = None
        gb.db.commit()


def _grade(root: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "dlnlp", "grade", ASSIGNMENT, "--nbgrader-course", str(root)]
    proc = subprocess.run([*command, *extra], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_a_tas_generated_feedback_is_never_replaced_by_dlnlp(course):
    """A TA scores and comments ben's written answer and runs Generate Feedback: is nbgrader's
    page, comment and all, left as it is by `dlnlp grade --nbgrader-course` (with and without
    --force), saying so; while a student with no page, or with the one dlnlp wrote, gets
    dlnlp's page (written again on a regrade)?"""
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    root, _ = course
    coursedir = course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        answer = _written_answer(gb, "ben")
        answer.manual_score = 0.5
        gb.find_comment(
            answer.name, ASSIGNMENT, ASSIGNMENT, "ben"
        ).manual_comment = "See lecture 7."
        gb.db.commit()
    _as_instructor(root, "generate_feedback", ASSIGNMENT, "--student=ben", "--force")
    page = root / "feedback/ben" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    theirs = page.read_bytes()
    assert b"See lecture 7." in theirs
    ours = root / "feedback/cy" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    ours.unlink()  # cy has no page: dlnlp's goes there
    for extra in ((), ("--force",)):
        proc = _grade(root, *extra)
        assert page.read_bytes() == theirs
        assert "kept the page" in proc.stderr and "ben" in proc.stderr, proc.stderr
        assert "Graded by dlnlp" in ours.read_text()
    stale = ours.read_text()
    ours.write_text(stale.replace("Graded by dlnlp", "Graded by dlnlp (old)"))
    _grade(root, "--force")  # a page changed since dlnlp wrote it is no longer dlnlp's
    assert "(old)" in ours.read_text()
    ours.unlink()
    _grade(root)
    assert "Graded by dlnlp" in ours.read_text() and "(old)" not in ours.read_text()


def test_dlnlp_grade_leaves_the_gradebook_as_nbgrader_autograde_did(course):
    """Whichever path grades, is the gradebook the same: a TA's manual score on a written
    answer kept, then `dlnlp grade --nbgrader-course --force` changing nothing else?"""
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    root, _ = course
    coursedir = course_directory(root)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada")
        answer = next(g for g in nb.grades if not g.name.startswith("check_"))
        answer.manual_score, written = 1.0, answer.name
        gb.db.commit()
    before = _gradebook(root)
    assert before["ada", written][1:3] == (1.0, True)
    # cy handed in the release untouched: nbgrader's rule, no response, 0 without a person
    assert before["cy", written] == (0.0, None, False, "No response.")
    command = [sys.executable, "-m", "dlnlp", "grade", ASSIGNMENT, "--nbgrader-course", str(root)]
    proc = subprocess.run([*command, "--force"], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _gradebook(root) == before
