"""Does feedback.html teach? Seen in a real browser (headless Chromium): what to work on first,
each function's checks passed and failed, one hint per recognised mistake, the limit hit or the
banned API found, and nothing of the hidden tests."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import REPO, grade_notebooks
from dlnlp.render.feedback import render_feedback
from dlnlp.results import Failure, FunctionScore, Results
from dlnlp.results import TestResult as Check  # not "Test...": pytest would collect it
from dlnlp.verdicts import Verdict


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """student -> (Results, feedback.html path) for the partial and the cheating sample."""
    folder = tmp_path_factory.mktemp("feedback")
    notebooks = {
        s: nbformat.read(REPO / "examples" / "attention" / f"{s}.ipynb", as_version=4)
        for s in ("partial", "cheating")
    }
    results = grade_notebooks("attention", notebooks, folder)
    return {s: (r, folder / "out" / s / "feedback.html") for s, r in results.items()}


def test_partial_credit_feedback_shows_score_hints_and_checks_in_a_browser(page, pages):
    """Does the page a partly right student opens show the score, what to fix first, each
    hint once, and every check marked passed or failed?"""
    r, path = pages["partial"]
    assert 0 < r.score < r.max_score
    page.goto(path.as_uri())
    # the checks' points in hundredths that add up: 0.67 + 0.67 + ... (results.split)
    assert page.locator("#score").inner_text() == "5.34 / 10"
    todo = page.locator("#todo")
    assert todo.is_visible() and "What to work on first" in todo.inner_text()
    # the function that lost most comes first, with its hint
    first = todo.locator("li").first.inner_text()
    assert first.startswith("scaled_dot_product_attention") and "not scaled" in first
    for f in r.functions:
        section = page.locator(f"#fn-{f.name}")
        assert section.is_visible()
        assert section.locator("li.bad").count() == f.total - f.passed
        assert section.locator("li.ok").count() == f.passed
    hint = page.get_by_text("the scores are not scaled", exact=False)
    assert hint.count() == 2  # once in "what to work on first", once over the checks it failed
    assert page.locator("#fn-scaled_dot_product_attention .label").first.inner_text() == "HINT"
    text = page.locator("body").inner_text()
    assert "assert " not in text and not re.search(r"tensor\(\[", text)


def test_feedback_names_a_banned_api_in_a_browser(page, pages):
    """Does a student who used a banned API see which API, and that it cost the function?"""
    _, path = pages["cheating"]
    page.goto(path.as_uri())
    section = page.locator("#fn-scaled_dot_product_attention")
    assert "torch.nn.functional.scaled_dot_product_attention" in section.inner_text()
    assert section.locator(".label.banned").is_visible()


def _with_timeout() -> Results:
    out = "stack did not finish within the time limit of 10 s per call (an infinite loop?)"
    tests = [
        Check(
            name=f"stack: check {i}",
            function="stack",
            test=f"test_{i}",
            score=0,
            max_score=1,
            status="failed",
            verdict=Verdict.TIMEOUT,
            credit=0.0,
            message=out,
        )
        for i in range(2)
    ]
    fs = FunctionScore(
        name="stack",
        score=0,
        max_score=2,
        passed=0,
        total=2,
        failure=Failure(verdict=Verdict.TIMEOUT, message=out),
    )
    return Results(
        student="s",
        assignment="a",
        submission="s.ipynb",
        score=0,
        max_score=2,
        functions=[fs],
        tests=tests,
    )


def test_a_limit_hit_is_labelled_and_said_once(page):
    """A function that ran out of time: is the limit named, once, with the checks it cost?"""
    page.set_content(render_feedback(_with_timeout()))
    section = page.locator("#fn-stack")
    assert section.locator(".label.limit").inner_text() == "TIME LIMIT"
    assert section.get_by_text("time limit of 10 s", exact=False).count() == 1
    assert section.locator("li.bad").count() == 2
