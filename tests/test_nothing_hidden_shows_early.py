"""Before the due date, does anything a student sees on Gradescope depend on a check that is not
shown yet (visibility `after_due_date`, `after_published` or `hidden`)?

For every assignment's sample submissions (examples/<id>/, graded once for the module), each
results.json is rendered twice: as graded, and with every check that is not shown given the
opposite outcome (passed <-> failed, another hint, a timeout on its function). What a student
sees before the due date, the top-level output, the visible checks, the score when Gradescope
shows it and stdout when it is shown, must be the same for both. Under the config's own
visibilities, and under one that holds back every other check of every function.
"""

from __future__ import annotations

import pytest

from conftest import COURSE, grade_notebooks
from dlnlp.render.gradescope import gradescope_dict
from dlnlp.results import Failure, Results, add
from dlnlp.results import TestResult as Outcome  # a Test* name would be collected
from dlnlp.verdicts import Verdict

ASSIGNMENTS = list(COURSE.config().assignments)


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def samples(request, tmp_path_factory) -> tuple[str, dict[str, Results]]:
    """(assignment, its samples graded: sample -> Results)."""
    a = request.param
    notebooks = {p.stem: p.read_bytes() for p in sorted(COURSE.examples_dir(a).glob("*.ipynb"))}
    assert notebooks, f"examples/{a} has no samples"
    return a, grade_notebooks(a, notebooks, tmp_path_factory.mktemp(f"early-{a}"))


def seen_before_the_due_date(data: dict) -> dict:
    """What a student sees of a results.json before the due date: the output and the visible
    tests; the score only when every test is visible (Gradescope hides it while any test is
    not), stdout only when stdout_visibility says so."""
    default = data.get("visibility", "visible")
    visible = [t for t in data["tests"] if t.get("visibility", default) == "visible"]
    seen = {"output": data["output"], "tests": visible}
    if len(visible) == len(data["tests"]) and default == "visible":
        seen["score"] = data["score"]
    if data.get("stdout_visibility") == "visible":
        seen["stdout"] = data.get("stdout", "")
    return seen


def flipped(r: Results, shown) -> Results:
    """`r` with every test not `shown` given the opposite outcome, and a note (a timeout) on
    each function that has one: what a hidden check could have found instead."""
    other = r.model_copy(deep=True)
    for t in other.tests:
        if shown(t):
            continue
        if t.status == "passed":
            update = dict(status="failed", score=0.0, verdict=Verdict.MISTAKE, credit=0.0)
            update |= dict(hint="another mistake entirely")
        else:
            update = dict(status="passed", score=t.max_score, verdict=Verdict.PASSED, credit=1.0)
            update |= dict(hint="", message="", traceback="", banned=[])
        for k, v in update.items():
            setattr(t, k, v)
    for f in other.functions:
        mine = [t for t in other.tests if t.function == f.name]
        f.score = add(t.score for t in mine)
        f.passed = sum(t.status == "passed" for t in mine)
        if not all(shown(t) for t in mine):
            f.failure = Failure(verdict=Verdict.TIMEOUT, message="a hidden check timed out")
    return other.add_up()


def _every_other(t: Outcome, tests: list[Outcome]) -> str:
    mine = [x.test for x in tests if x.function == t.function]
    return "visible" if mine.index(t.test) % 2 == 0 else "after_due_date"


def test_nothing_a_student_sees_early_depends_on_a_check_shown_later(samples):
    a, results = samples
    config = COURSE.config()
    default = config.assignment(a).gradescope.visibility or config.gradescope.visibility
    for sample, r in results.items():
        mappings = {
            "the config's": lambda t: config.visibility(a, t.function, t.test),
            "every other check held back": lambda t, r=r: _every_other(t, r.tests),
        }
        for name, visibility in mappings.items():
            shown = lambda t, v=visibility: v(t) == "visible"  # noqa: E731
            as_graded = gradescope_dict(r, visibility=visibility, default=default)
            other = gradescope_dict(flipped(r, shown), visibility=visibility, default=default)
            assert seen_before_the_due_date(as_graded) == seen_before_the_due_date(other), (
                f"{a}/{sample}, {name} visibility"
            )
            if any(not shown(t) for t in r.tests):  # the flip changed what is held back
                assert as_graded["tests"] != other["tests"]


def test_the_points_of_every_sample_add_up_exactly(samples):
    """Do the checks' max_scores add up to each function's points and the assignment's total,
    and the scores to the total, exactly as floats (no 9.999999999999998)?"""
    a, results = samples
    config = COURSE.config().assignment(a)
    for r in results.values():
        data = gradescope_dict(r)
        assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(config.max_score)
        assert add(t["max_score"] for t in data["tests"]) == config.max_score == r.max_score
        assert add(t["score"] for t in data["tests"]) == r.score == data["score"]
        for f in r.functions:
            assert add(t.max_score for t in r.tests if t.function == f.name) == f.max_score
            assert f.max_score == config.functions[f.name].points
        assert all(round(t["max_score"], 2) == t["max_score"] for t in data["tests"])
