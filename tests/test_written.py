"""Do students' written answers reach a PDF the instructor can grade by hand: every question on
its own page with the student's answer under it, math typeset, nothing of the student's raw HTML
run, and a PDF for every student, even one whose notebook cannot be read?"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from click.testing import CliRunner

from conftest import COURSE, REPO, release
from dlnlp.build.fill import fill
from dlnlp.cli import main
from dlnlp.written.pdf import notebook_pdf
from dlnlp.written.select import UNANSWERED, answers_notebook, written_questions

ASSIGNMENTS = list(COURSE.config().assignments)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_release_asks_two_to_four_written_questions(assignment):
    """Does each release carry 2-4 written questions, each with an empty answer cell?"""
    questions = written_questions(release(assignment))
    assert 2 <= len(questions) <= 4
    for _, question, answer in questions:
        assert question.startswith("### Written question") and answer.strip() == UNANSWERED


def test_raw_html_in_an_answer_is_shown_not_run():
    """A student's <script> or <img onerror> must arrive as text: the answer is escaped."""
    nb = release("attention")
    grade_id = written_questions(nb)[0][0]
    evil = "<script>document.body.innerHTML = ''</script> <img src=x onerror=alert(1)>"
    out = answers_notebook(fill(nb, written={grade_id: evil}), "mallory", "attention")
    answer = next(c for c in out.cells if c.metadata.get("grade_id") == grade_id)
    assert "<script" not in answer.source and "<img" not in answer.source


def _pdf_text(path) -> list[str]:
    import pypdf

    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory, chromium):
    """attention's written answers exported with `dlnlp written`: perfect, partial, a student
    who pasted HTML, and an unreadable notebook."""
    subs = tmp_path_factory.mktemp("subs")
    for s in ("perfect", "partial", "unreadable"):
        (subs / f"{s}.ipynb").write_bytes((REPO / "examples/attention" / f"{s}.ipynb").read_bytes())
    nb = release("attention")
    evil = "<script>document.body.innerHTML = 'GONE'</script> my answer: $\\sqrt{d_k}$"
    nbformat.write(fill(nb, written={written_questions(nb)[0][0]: evil}), subs / "mallory.ipynb")
    out = tmp_path_factory.mktemp("pdf")
    result = CliRunner().invoke(main, ["written", "attention", str(subs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_a_written_answer_pdf_has_one_page_per_question_with_the_answers(pdfs):
    """perfect.pdf: one page per question, each with its heading and the student's own words."""
    out, printed = pdfs
    pages = _pdf_text(out / "perfect.pdf")
    sample = nbformat.read(REPO / "examples/attention/perfect.ipynb", as_version=4)
    questions = written_questions(sample)
    assert len(pages) == len(questions)
    for page, (_, _, answer) in zip(pages, questions, strict=True):
        assert "Written question" in page
        words = [w for w in answer.split() if w.isalpha() and len(w) > 5][:3]
        assert words and all(w in page for w in words), (words, page[:300])
    assert "perfect.pdf  (3/3 questions answered)" in printed


def test_unanswered_questions_and_unreadable_notebooks_still_get_a_pdf(pdfs):
    """partial left a question out; unreadable is not JSON: is each still in a PDF that says so?"""
    out, printed = pdfs
    assert "(no answer)" in "".join(_pdf_text(out / "partial.pdf"))
    assert "could not be read" in "".join(_pdf_text(out / "unreadable.pdf"))
    assert "unreadable.pdf  (unreadable.ipynb: NotJSONError)" in printed


def test_html_pasted_into_an_answer_does_not_run_in_the_pdf(pdfs):
    """mallory's <script> would blank the page if it ran; the PDF shows it as text instead."""
    out, _ = pdfs
    text = "".join(_pdf_text(out / "mallory.pdf"))
    assert "<script>" in text and "Written question" in text


def test_pdf_export_works_where_an_event_loop_already_runs(chromium):
    """In a notebook (or beside another playwright) an asyncio loop is running, where
    playwright's sync API refuses to start: does the export still make a PDF?"""

    async def inside_a_loop() -> bytes:
        return notebook_pdf(answers_notebook(release("attention"), "s", "attention"))

    # a thread of its own: the loop is this test's, whatever ran before in this process
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, inside_a_loop()).result().startswith(b"%PDF")
