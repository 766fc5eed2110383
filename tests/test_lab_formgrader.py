"""Does formgrader, in a real browser, work with dlnlp as nbgrader's grading engine?

One demo course (`dlnlp lab`'s code: the attention release and its sample submissions, graded
by dlnlp), one JupyterLab on it (`start_lab`), one headless Chromium. Screenshots of each page
are saved in the test's tmp folder."""

from __future__ import annotations

import csv
import json
import re

import pytest

from conftest import REPO
from dlnlp.build.release import nbgrader
from dlnlp.course import Course

ASSIGNMENT = "attention"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, chromium):
    from dlnlp.lab.demo_course import build_demo_course
    from dlnlp.lab.server import start_lab

    root = tmp_path_factory.mktemp("lab") / "dlnlp-demo"
    build_demo_course(Course(REPO), root, [ASSIGNMENT], jobs=2, say=lambda _: None)
    started = start_lab(root, log=root.parent / "lab.log")
    yield root, started
    started.stop()


@pytest.fixture(scope="module")
def page(lab, browser, tmp_path_factory):
    root, started = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(started.link("formgrader"))  # the token once: the server sets its login cookie
    page.shots = tmp_path_factory.mktemp("screenshots")
    yield page
    context.close()


def _open(page, started, path: str) -> None:
    """A formgrader page, once its table has loaded."""
    page.goto(f"{started.url}/formgrader/{path}")
    page.wait_for_selector("text=Loading, please wait...", state="detached", timeout=30_000)


def _score_cell(page, student: str) -> str:
    return page.locator("tr", has_text=student).locator("td.score").inner_text()


def _results_score(root, student: str) -> float:
    return json.loads((root / "dlnlp" / ASSIGNMENT / student / "results.json").read_text())["score"]


def test_formgraders_autograde_button_gives_dlnlps_scores(lab, page):
    """Clicking ⚡ Autograde for a student: is the student graded again by dlnlp (not by running
    the notebook, which gave 2.5 for this very submission), with the score results.json has?"""
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    root, started = lab
    coursedir = course_directory(root)
    record = root / "dlnlp" / ASSIGNMENT / "partial" / "grading-record.json"
    record.unlink()  # so the button must grade, not find what `dlnlp lab` graded
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "partial").grades:
            g.auto_score = 0.0  # and the gradebook must be written again
        gb.db.commit()
    _open(page, started, f"manage_submissions/{ASSIGNMENT}")
    assert _score_cell(page, "partial").startswith("0 /")
    page.locator("tr", has_text="partial").locator("td.autograde a").click()
    page.wait_for_selector(".modal-dialog", timeout=120_000)
    said = page.inner_text(".modal-dialog")
    page.screenshot(path=page.shots / "autograde.png")
    assert "Successfully autograded" in said, said
    assert record.is_file()
    _open(page, started, f"manage_submissions/{ASSIGNMENT}")
    score = _results_score(root, "partial")
    assert 0 < score < 10
    assert _score_cell(page, "partial") == f"{round(score, 2):g} / 14"
    page.screenshot(path=page.shots / "manage_submissions.png")


def _grading_view(page, started, student: str) -> None:
    _open(page, started, f"gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
    href = page.locator("tr", has_text=student).locator("a").first.get_attribute("href")
    page.goto(started.url + href)
    page.wait_for_selector("input.score", timeout=30_000)


def test_the_grading_view_says_why_a_function_lost_points(lab, page):
    """Does the manual-grading view of a partly right submission show, under the function's
    check cell, dlnlp's score and the catalogued mistake's hint, with the maths rendered?"""
    root, started = lab
    failed: list[str] = []  # what the browser could not load (a MathJax font: 404)
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    _grading_view(page, started, "partial")
    text = page.inner_text("body")
    page.screenshot(path=page.shots / "grading_view.png", full_page=True)
    assert "scaled_dot_product_attention scored 0.67 of 4 points" in text
    assert "Hint: the scores are not scaled" in text
    # the maths comes from the server's own MathJax (no network here): typeset, not raw
    page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.isReady", timeout=30_000)
    assert page.locator(".MathJax, .MathJax_Display, .MathJax_CHTML").count() > 0
    # in the fonts the server's MathJax ships (STIX-Web), none of them missing
    page.wait_for_timeout(1000)
    assert not [f for f in failed if "mathjax" in f.lower()], failed
    font = page.evaluate("() => MathJax.OutputJax['HTML-CSS'].fontInUse")
    assert font == "STIX-Web", font


def test_a_written_answer_score_updates_the_total_and_the_export(lab, page):
    """A TA scores a written answer in the grading view: does the total go up by it, and does
    `nbgrader export` (rounded) agree?"""
    root, started = lab
    before = _results_score(root, "partial")
    _grading_view(page, started, "partial")
    box = page.locator("input.score.needs_manual_grade").first  # a written answer, ungraded
    box.fill("1")
    box.press("Enter")
    page.wait_for_timeout(1500)  # formgrader saves on change
    _open(page, started, f"manage_submissions/{ASSIGNMENT}")
    assert _score_cell(page, "partial") == f"{round(before + 1, 2):g} / 14"
    proc = nbgrader("export", root=root)
    assert proc.returncode == 0, proc.stderr
    with open(root / "grades.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["student_id"] == "partial")
    assert row["raw_score"] == repr(round(before + 1, 2))
    assert re.fullmatch(r"\d+\.\d{1,2}", row["raw_score"])


def test_feedback_a_ta_generated_survives_a_regrade(lab, page):
    """A TA comments on a written answer and clicks Generate Feedback in formgrader: does the
    page nbgrader writes, comment and all, stay as it is when the class is graded again (`dlnlp
    lab` restarted: `build_demo_course`), while dlnlp says it kept it?"""
    import logging

    from dlnlp.lab.demo_course import build_demo_course

    root, started = lab
    _grading_view(page, started, "partial")
    box = page.locator("textarea.comment").first
    box.fill("Good start: compare with the lecture's scaling argument.")
    box.press("Tab")  # formgrader saves a comment on change
    page.wait_for_timeout(1500)
    _open(page, started, f"manage_submissions/{ASSIGNMENT}")
    page.locator("tr", has_text="partial").locator("td.generate-feedback a").click()
    page.wait_for_selector(".modal-dialog", timeout=120_000)
    said = page.inner_text(".modal-dialog")
    page.screenshot(path=page.shots / "generate_feedback.png")
    assert "Successfully generated feedback" in said, said
    feedback = root / "feedback" / "partial" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    theirs = feedback.read_bytes()
    assert b"compare with the lecture" in theirs
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("dlnlp.grade").addHandler(handler)
    try:
        build_demo_course(Course(REPO), root, [ASSIGNMENT], jobs=2, say=lambda _: None)
    finally:
        logging.getLogger("dlnlp.grade").removeHandler(handler)
    assert feedback.read_bytes() == theirs
    assert any("kept the page" in r.getMessage() and "partial" in r.getMessage() for r in records)
    page.goto(feedback.as_uri())
    page.screenshot(path=page.shots / "kept_feedback.png", full_page=True)
