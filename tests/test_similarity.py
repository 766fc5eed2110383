"""Does `dlnlp similarity` find the code students share: a copy in disguise (variables renamed,
functions reordered, comments and blank lines changed) at the top, a single copied function on
that function only, the reference handed in renamed; and do the kit's independent alternatives
and the untouched stubs stay below the threshold? Is the page the instructor reads the pair side
by side with the shared code marked, and the students' code only ever text?

One planted lstm class, compared once for the module:
  alice        tests/alternatives/lstm/einsum.py
  dave         tests/alternatives/lstm/per_gate_slices.py
  copier       alice's code in disguise, all functions in one cell in reverse order, no nbgrader
               metadata (found by name, as the grader finds them), a hostile comment
  lstm_copier  tests/alternatives/lstm/float64_per_sample.py, but alice's lstm_cell in disguise
  leak         solutions/lstm.py in disguise
  stub, stub2  the release untouched
  unreadable   a notebook cut off in transit
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from click.testing import CliRunner

from conftest import COURSE, KIT_COURSE, REPO, release
from dlnlp.build.disguise import disguise
from dlnlp.build.fill import fill, split_functions
from dlnlp.cli import main
from dlnlp.grade.resume import Fingerprint, Record, save_record
from dlnlp.results import Results
from dlnlp.results import TestResult as Outcome  # a Test* name would be collected
from dlnlp.similarity import Similarity, find_similar, write_similarity
from dlnlp.similarity.page import segments
from dlnlp.similarity.settings import Settings
from dlnlp.similarity.sources import REFERENCE

ASSIGNMENT = "lstm"
FUNCTIONS = list(KIT_COURSE.config().assignment(ASSIGNMENT).functions)
ALTERNATIVES = REPO / "tests" / "alternatives" / ASSIGNMENT
EINSUM = (ALTERNATIVES / "einsum.py").read_text()
HOSTILE = "# </code></pre><script>window.pwned = 1</script><img src=x onerror='window.pwned=2'>"
COPIES = {("alice", "copier"), ("alice", "lstm_copier"), ("copier", "lstm_copier")}


def _write(folder: Path, notebooks: dict[str, nbformat.NotebookNode | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for student, nb in notebooks.items():
        path = folder / f"{student}.ipynb"
        path.write_bytes(nb) if isinstance(nb, bytes) else nbformat.write(nb, path)
    return folder


def _one_cell(code: str) -> nbformat.NotebookNode:
    """A notebook of one code cell and no nbgrader metadata: cells copied to a new notebook."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    return nb


def _with_line_after(code: str, start: str, line: str) -> str:
    """`code` with `line` as the first line of the body whose header line starts with `start`."""
    lines = code.splitlines()
    at = next(i for i, s in enumerate(lines) if s.startswith(start))
    return "\n".join([*lines[: at + 1], "    " + line, *lines[at + 1 :]]) + "\n"


def _pairs(result: Similarity) -> dict[tuple[str, str], object]:
    return {tuple(sorted((p.a, p.b))): p for p in result.pairs if p.b != REFERENCE} | {
        (p.a, REFERENCE): p for p in result.pairs if p.b == REFERENCE
    }


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Similarity, Path]:
    """The planted class compared, its page and CSV written: (result, their folder)."""
    folder = tmp_path_factory.mktemp("similarity")
    stub = release(ASSIGNMENT)
    copier = _with_line_after(
        disguise(EINSUM, seed=1, args=True, reverse=True), "def lstm_cell(", HOSTILE
    )
    own = (ALTERNATIVES / "float64_per_sample.py").read_text()
    text = nbformat.writes(fill(stub, EINSUM))
    notebooks = {
        "alice": fill(stub, EINSUM),
        "dave": fill(stub, (ALTERNATIVES / "per_gate_slices.py").read_text()),
        "copier": _one_cell(copier),
        "lstm_copier": fill(stub, own, disguise(split_functions(EINSUM)["lstm_cell"], seed=2)),
        "leak": fill(stub, disguise(COURSE.solution(ASSIGNMENT).read_text(), seed=3)),
        "stub": stub,
        "stub2": stub,
        "unreadable": text[: len(text) // 3].encode(),
    }
    subs = _write(folder / "in", notebooks)
    result = find_similar(COURSE, ASSIGNMENT, [subs], jobs=2)
    write_similarity(result, folder / "out")
    return result, folder / "out"


def test_a_copy_in_disguise_ranks_first_with_every_function_flagged(planted):
    result, _ = planted
    top = {tuple(sorted((p.a, p.b))) for p in result.pairs[:2]}
    assert top == {("alice", "copier"), (REFERENCE, "leak")}, [(p.a, p.b) for p in result.pairs]
    pair = _pairs(result)[("alice", "copier")]
    assert min(pair.whole.similarity) >= 0.9 and pair.whole.flagged
    assert pair.flagged_functions == FUNCTIONS  # found by name, in reverse order: all five


def test_a_single_copied_function_is_caught_on_that_function_only(planted):
    result, _ = planted
    for other in ("alice", "copier"):
        pair = _pairs(result)[tuple(sorted((other, "lstm_copier")))]
        assert pair.flagged_functions == ["lstm_cell"], (other, pair.flagged_functions)
        assert pair.functions["lstm_cell"].top >= 0.9
        assert not pair.whole.flagged, pair.whole.similarity


def test_the_reference_renamed_is_flagged_as_matching_the_reference(planted):
    result, _ = planted
    pair = _pairs(result)[("leak", REFERENCE)]
    assert min(pair.whole.similarity) >= 0.9 and pair.flagged_functions == FUNCTIONS
    assert result.reference == f"solutions/{ASSIGNMENT}.py"


def test_independent_students_and_the_stubs_are_flagged_with_no_one(planted):
    result, _ = planted
    assert set(_pairs(result)) == COPIES | {("leak", REFERENCE)}
    assert {"stub", "stub2", "dave"} <= set(result.students)


def test_the_kits_alternatives_and_stubs_stay_below_the_threshold(tmp_path):
    """Every alternative against every other and against the reference, two stubs."""
    notebooks = {
        p.stem: fill(release(ASSIGNMENT), p.read_text()) for p in ALTERNATIVES.glob("*.py")
    }
    notebooks |= {"stub": release(ASSIGNMENT), "stub2": release(ASSIGNMENT)}
    result = find_similar(COURSE, ASSIGNMENT, [_write(tmp_path, notebooks)])
    assert len(result.students) == len(notebooks) >= 5
    assert result.pairs == [], [(p.a, p.b, p.flagged_functions) for p in result.pairs]


def test_an_unreadable_notebook_is_skipped_with_a_line_naming_it(planted):
    result, _ = planted
    assert "unreadable" not in result.students
    assert [s.split(":")[:2] for s in result.skipped] == [["unreadable", " unreadable.ipynb"]]


def test_the_csv_has_both_similarities_of_every_flagged_pair_and_function(planted):
    result, out = planted
    rows = list(csv.DictReader((out / "similarity.csv").open()))
    got = {(r["student_a"], r["student_b"], r["function"]): r for r in rows}
    whole = got[("alice", "copier", "(submission)")]
    assert whole["flagged"] == "yes" and float(whole["similarity_a"]) >= 0.9
    assert all(got[("alice", "copier", fn)]["flagged"] == "yes" for fn in FUNCTIONS)
    lstm = got[("alice", "lstm_copier", "lstm_cell")]
    assert lstm["flagged"] == "yes" and float(lstm["similarity_b"]) >= 0.9
    assert got[("alice", "lstm_copier", "(submission)")]["flagged"] == "no"
    assert got[("leak", REFERENCE, "(submission)")]["flagged"] == "yes"
    assert {(r["student_a"], r["student_b"]) for r in rows} == {(p.a, p.b) for p in result.pairs}


def test_common_code_is_left_out_between_students_but_not_against_the_reference(tmp_path):
    """Twelve students hand in the reference: more than 10 share it, so it is common between
    them (MOSS's -m), and each is still flagged against the reference; --common 1 keeps it."""
    reference = COURSE.solution(ASSIGNMENT).read_text()
    notebooks = {
        f"s{i:02d}": fill(release(ASSIGNMENT), disguise(reference, seed=i)) for i in range(12)
    }
    folder = _write(tmp_path, notebooks)
    result = find_similar(COURSE, ASSIGNMENT, [folder])
    assert {p.b for p in result.pairs} == {REFERENCE} and len(result.pairs) == 12
    everything = find_similar(COURSE, ASSIGNMENT, [folder], Settings(common=1.0))
    assert sum(p.b != REFERENCE for p in everything.pairs) == 12 * 11 // 2


def test_the_samples_copied_pair_tops_the_table_the_command_prints(tmp_path):
    """`make demo`'s run: examples/lstm holds a copied sample, perfect's code in disguise."""
    run = CliRunner().invoke(
        main,
        ["similarity", ASSIGNMENT, str(REPO / "examples" / ASSIGNMENT), "--out", str(tmp_path)],
    )
    assert run.exit_code == 0, run.output
    first = run.output.splitlines()[2].split()
    assert sorted(first[:2]) == ["copied", "perfect"], run.output
    assert (tmp_path / "similarity.html").is_file() and (tmp_path / "similarity.csv").is_file()


def test_the_report_lists_the_top_pairs_and_links_the_page(planted, tmp_path):
    result, out = planted
    graded = tmp_path / "graded"
    for student in result.students:
        t = Outcome(
            name="lstm_cell: works",
            function="lstm_cell",
            test="test_works",
            score=1.0,
            max_score=1.0,
            status="passed",
            verdict="passed",
            credit=1.0,
        )
        r = Results(
            student=student,
            assignment=ASSIGNMENT,
            submission=f"{student}.ipynb",
            score=1.0,
            max_score=1.0,
            tests=[t],
        )
        save_record(
            graded / student,
            Record(fingerprint=Fingerprint(submission="s", common="c", functions={}), results=r),
        )
    write_similarity(result, graded / "similarity")
    run = CliRunner().invoke(main, ["report", str(graded)])
    assert run.exit_code == 0, run.output
    html = (graded / "report" / "report.html").read_text()
    assert 'href="../similarity/similarity.html"' in html
    section = html[html.index('id="similarity"') : html.index('id="times"')]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", section)
    # every match with the reference first, in a table of its own, then the pairs of students
    first = [p for p in result.pairs if p.b == REFERENCE] + [
        p for p in result.pairs if p.b != REFERENCE
    ]
    assert rows == [(p.a, "the reference" if p.b == REFERENCE else p.b) for p in first]


def test_segments_cut_the_code_at_the_shared_runs_widened_to_whole_words():
    code = "return x + y_1"
    assert segments(code, np.array([[2, 11], [4, 12]])) == [
        ("return", True),
        (" x + ", False),
        ("y_1", True),
    ]
    assert segments(code, np.array([[0], [40]])) == [(code, True)]
    assert segments(code, np.zeros((2, 0))) == [(code, False)]


def test_the_page_shows_the_pair_side_by_side_with_its_shared_code_marked(planted, page):
    _, out = planted
    page.goto((out / "similarity.html").as_uri())
    first = page.locator("section#pair-1")
    assert {"alice", "copier"} <= set(first.locator("h3").inner_text().replace(".", " ").split())
    block = first.locator('.function[data-function="lstm_cell"]')
    for side in ("a", "b"):
        marks = block.locator(f".side.{side} mark")
        assert marks.count() >= 1 and marks.first.is_visible()
        assert "torch.einsum" in " ".join(marks.all_inner_texts())
    # the copier's comment is on the page as text, and nothing in it ran
    assert block.get_by_text("window.pwned = 1", exact=False).first.is_visible()
    assert page.evaluate("window.pwned") is None
    assert page.locator("script").count() == 0 and page.locator("pre img").count() == 0
    # the leak in the reference's own table, the three pairs of students in theirs
    assert page.locator("h2#reference + p + table.pairs tr").count() == 1 + 1
    assert page.locator("h2#pairs + table.pairs tr").count() == 1 + 3
    assert "leak" in page.locator("section#ref-1 h3").inner_text()


def test_the_page_and_the_report_agree_on_what_is_shown_where(planted, tmp_path, monkeypatch):
    """With room for 2 pairs of students on the page and 1 in the report: does the page show
    the first 2 of 3 and every match with the reference, and the report say the same numbers?"""
    import dlnlp.report.similarity as in_report
    import dlnlp.similarity.page as page_module

    result, _ = planted
    monkeypatch.setattr(page_module, "PAGE_PAIRS", 2)
    monkeypatch.setattr(in_report, "PAGE_PAIRS", 2)
    monkeypatch.setattr(in_report, "TOP", 1)
    write_similarity(result, tmp_path / "similarity")
    html = (tmp_path / "similarity" / "similarity.html").read_text()
    assert "The first 2 of 3 are shown here; all 3 are listed in similarity.csv" in html
    assert html.count('<section class="pair" id="pair-') == 2
    assert html.count('<section class="pair" id="ref-') == 1
    # common code as the code counts it: in more than max(10, 10 % of the class) submissions
    assert "code found in more than 10 submissions" in html
    shared = in_report.load_similarity(tmp_path)
    assert (len(shared.pairs), shared.total, shared.on_page) == (1, 3, 2)
    assert [p.a for p in shared.reference] == ["leak"]
