"""Does `dlnlp report` tell the instructor what the grading records say: the scores, the pass
rate of every test, the hints the class got, who hit a limit or a banned API; is the students x
tests matrix exact; does the page render, plots included, in a browser?

The statistics are checked on small hand-made Results (fast); the report itself on one batch of
attention samples (perfect, partial, cheating, unreadable and the untouched release), graded once
for the module. The broken sample is left out: its infinite loop alone costs 10 s.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, grade_notebooks, release
from dlnlp.cli import main
from dlnlp.grade.resume import Fingerprint, Record, save_record
from dlnlp.report import stats
from dlnlp.report.matrix import cell
from dlnlp.results import Failure, FunctionScore, Results
from dlnlp.results import TestResult as Outcome  # a Test* name would be collected
from dlnlp.verdicts import Verdict

SAMPLES = ("perfect", "partial", "cheating", "unreadable")
UNSCALED = "the scores are not scaled"  # the partial sample's misconception


def made(student: str, *tests: tuple[str, str, float, str, str], max_score: float = 1.0) -> Results:
    """Results with tests given as (function, test, score, verdict, what: the hint, the banned
    API or the message), each worth max_score."""
    ts = [
        Outcome(
            name=f"{fn}: {test} works",
            function=fn,
            test=test,
            score=score,
            max_score=max_score,
            status="passed" if verdict == "passed" else "failed",
            verdict=verdict,
            credit=score / max_score,
            hint=what if Verdict(verdict).hinted else "",
            banned=[what] if verdict == "banned" else [],
            message=what if verdict in ("timeout",) else "",
        )
        for fn, test, score, verdict, what in tests
    ]
    return Results(
        student=student,
        assignment="toy",
        submission=f"{student}.ipynb",
        score=sum(t.score for t in ts),
        max_score=max_score * len(ts),
        tests=ts,
    )


A_OK = ("f", "test_a", 1.0, "passed", "passed")
B_OK = ("f", "test_b", 1.0, "passed", "passed")
A_SIGN = ("f", "test_a", 0.0, "mistake", "the sign is flipped")
B_SIGN = ("f", "test_b", 0.0, "mistake", "the sign is flipped")
B_HALF = ("f", "test_b", 0.5, "partial", "off by a factor of 2")
A_BANNED = ("f", "test_a", 0.0, "banned", "torch.sum")
B_LOOP = ("f", "test_b", 0.0, "timeout", "f did not finish within the time limit")


# --- the statistics, on hand-made Results --------------------------------------------------


def test_pass_rate_counts_only_full_passes_in_test_order():
    rates = stats.pass_rates([made("x", A_OK, B_OK), made("y", A_SIGN, B_HALF)])
    assert [(r.key, r.passed, r.total) for r in rates] == [("f::test_a", 1, 2), ("f::test_b", 1, 2)]
    assert rates[1].mean_score == pytest.approx(0.75)


def test_a_hint_counts_once_per_submission_however_many_tests_gave_it():
    found = stats.misconceptions([made("x", A_SIGN, B_SIGN), made("y", A_SIGN, B_OK)])
    assert [(m.hint, m.function, m.students, m.tests) for m in found] == [
        ("the sign is flipped", "f", 2, 3)
    ]


def test_partial_credit_hints_are_misconceptions_but_other_failures_are_not():
    found = stats.misconceptions([made("x", A_BANNED, B_HALF), made("y", A_OK, B_LOOP)])
    assert [m.hint for m in found] == ["off by a factor of 2"]


def test_score_bins_run_from_zero_to_full_marks_which_land_in_the_last_bin():
    bins = stats.score_bins([made("x", A_OK, B_OK), made("y", A_SIGN, B_SIGN)])
    assert (bins[0].low, bins[-1].high) == (0, 2)
    assert [b.count for b in bins] == [1, 1]


def _timed_out(message: str) -> FunctionScore:
    """Function f of `made`'s results (test_a passed, test_b timed out), stopped by a timeout."""
    failure = Failure(verdict=Verdict.TIMEOUT, message=message)
    return FunctionScore(name="f", score=1, max_score=2, passed=1, total=2, failure=failure)


def test_incidents_are_grouped_by_cause_with_a_count_and_one_example():
    """30 students timing out in the same function make one row, not 30: what, where, how
    many, and what the first of them read (the function's note, else its check's output)."""
    many = [made(f"s{i:02}", A_OK, B_LOOP) for i in range(30)]
    many[0].functions.append(_timed_out("f timed out after 10 s"))
    groups = stats.incident_groups([*many, made("x", A_BANNED, B_OK)])
    assert [(g.what, g.where, len(g.students)) for g in groups] == [
        ("timed out", "f", 30),
        ("used a banned API", "f", 1),
    ]
    assert groups[0].students[0] == "s00" and groups[0].example == "f timed out after 10 s"
    assert groups[1].example == "0 points: f uses torch.sum, which is not allowed here"


def test_incidents_say_what_happened_and_to_whom():
    found = stats.incidents([made("x", A_OK, B_OK), made("y", A_BANNED, B_LOOP)])
    assert [(i.student, i.what) for i in found] == [("y", ["timed out", "used a banned API"])]
    counts = stats.incident_counts([made("y", A_BANNED, B_LOOP)])
    assert counts["timed out"] == counts["used a banned API"] == 1 and counts["crashed"] == 0


# --- the command's errors ----------------------------------------------------------------------


@pytest.mark.parametrize("what", ["empty", "absent"])
def test_a_folder_without_records_exits_2_and_says_to_grade_first(tmp_path, what):
    folder = tmp_path / "out"
    if what == "empty":
        folder.mkdir()
    run = CliRunner().invoke(main, ["report", str(folder)])
    assert run.exit_code == 2
    assert str(folder) in run.output and "dlnlp grade" in run.output and "--out" in run.output


def _record(out: Path, results: Results) -> None:
    fingerprint = Fingerprint(submission="s", common="c", functions={})
    save_record(out / results.student, Record(fingerprint=fingerprint, results=results))


def test_a_student_without_a_grading_record_is_skipped_with_a_warning(tmp_path):
    out = tmp_path / "out"
    _record(out, made("x", A_OK, B_SIGN))
    (out / "lost").mkdir()
    (out / "lost" / "results.json").write_text("{}")
    run = CliRunner().invoke(main, ["report", str(out)])
    assert run.exit_code == 0, run.output
    assert "skipped lost" in run.output
    html = (out / "report" / "report.html").read_text()
    assert "lost: results.json without a grading-record.json" in html
    assert [row["student"] for row in csv.DictReader((out / "report" / "tests.csv").open())] == [
        "x"
    ]


def test_without_matplotlib_it_names_the_extra_to_install_and_writes_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _record(out, made("x", A_OK))
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)  # import fails
    run = CliRunner().invoke(main, ["report", str(out)])
    assert run.exit_code == 2
    assert "pip install -e '.[author]'" in run.output
    assert not (out / "report").exists()


# --- the report of a graded class ------------------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[dict[str, Results], Path]:
    """The attention samples graded into OUT/, then `dlnlp report OUT`: (results, report dir)."""
    folder = tmp_path_factory.mktemp("report")
    notebooks = {s: (REPO / "examples" / "attention" / f"{s}.ipynb").read_bytes() for s in SAMPLES}
    results = grade_notebooks("attention", {**notebooks, "stub": release("attention")}, folder)
    run = CliRunner().invoke(main, ["report", str(folder / "out")])
    assert run.exit_code == 0, run.output
    assert "report.html" in run.output and "tests.csv" in run.output
    return results, folder / "out" / "report"


def test_the_matrix_has_a_row_per_student_and_a_column_per_hidden_test(graded):
    results, report = graded
    rows = list(csv.DictReader((report / "tests.csv").open()))
    assert [r["student"] for r in rows] == sorted(results)
    keys = [f"{t.function}::{t.test}" for t in results["perfect"].tests]
    assert list(rows[0]) == ["student", *keys, "total"]
    for row in rows:
        r = results[row["student"]]
        assert [row[k] for k in keys] == [cell(t.score) for t in r.tests]
        assert float(row["total"]) == pytest.approx(r.score, abs=1e-4)
        assert sum(float(row[k]) for k in keys) == pytest.approx(r.score, abs=1e-3)
    perfect = next(row for row in rows if row["student"] == "perfect")
    assert float(perfect["total"]) == results["perfect"].max_score


def test_pass_rates_and_hint_counts_match_the_results(graded):
    results, _ = graded
    everyone = list(results.values())
    for rate in stats.pass_rates(everyone):
        outcomes = [t for r in everyone for t in r.tests if f"{t.function}::{t.test}" == rate.key]
        assert (rate.passed, rate.total) == (
            sum(t.status == "passed" for t in outcomes),
            len(results),
        )
    unscaled = [m for m in stats.misconceptions(everyone) if m.hint.startswith(UNSCALED)]
    given = [t for t in results["partial"].tests if UNSCALED in t.output]
    assert given and [(m.students, m.tests) for m in unscaled] == [(1, len(given))]


def test_the_incidents_list_the_cheating_submissions_banned_api(graded):
    results, _ = graded
    found = {i.student: i for i in stats.incidents(list(results.values()))}
    assert found["cheating"].what == ["used a banned API"]
    assert "torch.nn.functional.scaled_dot_product_attention" in found["cheating"].details
    assert "perfect" not in found and "unreadable" in found


def test_the_report_renders_with_every_plot_in_a_browser(graded, page):
    _, report = graded
    page.goto((report / "report.html").as_uri())
    assert "attention" in page.locator("h1").inner_text()
    for heading in ("Score distribution", "misconceptions", "banned APIs", "Pass rate", "time"):
        assert page.locator("h2", has_text=heading).is_visible(), heading
    misconceptions = page.locator("table.misconceptions")
    assert misconceptions.is_visible() and UNSCALED in misconceptions.inner_text()
    # one row per cause (what happened, where), the cheating sample its example
    cheating = page.locator("table.incidents tr", has_text="scaled_dot_product_attention")
    assert cheating.is_visible()
    assert "used a banned API" in cheating.inner_text() and "cheating" in cheating.inner_text()
    images = page.locator("img")
    assert images.count() == 5
    for i in range(images.count()):
        assert images.nth(i).is_visible()
    widths = page.evaluate("[...document.images].map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths
    href = page.locator("a", has_text="Per-test matrix").get_attribute("href")
    assert (report / href).is_file()


def test_a_class_of_50_with_30_timeouts_gives_a_report_of_reasonable_height(tmp_path, page):
    """50 students, 30 of them stopped by the same timeout with a long message: the incidents
    are one row (with a count, an example and the others folded), not 30 rows of paragraphs."""
    out = tmp_path / "out"
    long = "b ran past the time limit of 10 s. " * 12  # a paragraph a student might read
    for i in range(50):
        r = made(f"s{i:02}", A_OK, B_LOOP if i < 30 else B_OK)
        if i < 30:
            r.functions.append(_timed_out(long))
        fingerprint = Fingerprint(submission=str(i), common="c", functions={})
        save_record(out / r.student, Record(fingerprint=fingerprint, results=r))
    run = CliRunner().invoke(main, ["report", str(out)])
    assert run.exit_code == 0, run.output
    page.goto((out / "report" / "report.html").as_uri())
    rows = page.locator("table.incidents tr")
    assert rows.count() == 1 + 1
    assert "30" in rows.nth(1).inner_text() and page.locator("table.incidents details").count() == 1
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 5000, height
