"""Submissions -> OUT/<student>.pdf: each student's written answers, one question per page.

Every student collected gets a PDF, so that the set of PDFs matches the class list when they
are uploaded to Gradescope for manual grading, and one student's notebook can cost only that
student's PDF: an unreadable notebook, a page that does not finish within the timeout or
crashes the browser each get a PDF saying so, and the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlnlp.course import Course
from dlnlp.files import atomic_write
from dlnlp.grade.collect import collect
from dlnlp.written import pdf
from dlnlp.written.page import page_html
from dlnlp.written.pdf import PdfError, PdfRenderer, RenderError, plain_pdf
from dlnlp.written.select import (
    NO_ANSWER,
    Unreadable,
    read_release,
    read_submission,
    student_answers,
    written_questions,
)


@dataclass
class Exported:
    student: str
    pdf: Path
    answered: int
    questions: int
    problem: str = ""  # why the answers are not shown: unreadable, or could not be rendered


def _one(
    renderer: PdfRenderer, assignment: str, student: str, path: Path, questions: list
) -> tuple[bytes, int, str]:
    """(PDF, answers given, problem): the answers typeset; else the answers with their maths
    as typed (no MathJax: nothing left that could hang or crash); else a notice."""
    try:
        shown = student_answers(read_submission(path), questions)
    except Unreadable as e:
        note = f"The submitted notebook could not be read ({e}), so no answers are shown."
        return _notice(renderer, assignment, student, note), 0, str(e)
    given = sum(s.answer != NO_ANSWER for s in shown)
    try:
        html = page_html(assignment, student, shown, mathjax_url=renderer.mathjax_url)
        return renderer.pdf(html), given, ""
    except Exception as e:  # RenderError, or a bug this student's text found: their PDF only
        why = str(e) if isinstance(e, RenderError) else type(e).__name__
    problem = f"maths not typeset: {why}"
    note = f"The maths could not be typeset ({why}): it is shown as TeX source."
    try:
        return (
            renderer.pdf(page_html(assignment, student, shown, mathjax_url=None, note=note)),
            given,
            problem,
        )
    except Exception:
        note = f"The written answers could not be rendered ({why}); grade them from the notebook."
        return _notice(renderer, assignment, student, note), given, f"not rendered: {why}"


def _notice(renderer: PdfRenderer, assignment: str, student: str, note: str) -> bytes:
    """A page with no student text; should Chromium fail even at that, one made without it."""
    try:
        return renderer.pdf(page_html(assignment, student, [], mathjax_url=None, note=note))
    except RenderError:
        return plain_pdf([f"{assignment}: written answers", f"Student: {student}", note])


def export_written(
    assignment: str,
    paths: list[Path],
    out_dir: Path,
    course: Course | None = None,
    timeout: float | None = None,
) -> list[Exported]:
    """One PDF per student collected from `paths`, in out_dir; the questions are the release's.
    `timeout`: seconds one student's page may take (default: dlnlp.written.pdf.TIMEOUT)."""
    release = (course or Course.find()).release_notebook(assignment)
    if not release.is_file():
        raise PdfError(f"{release}: no release notebook; build it first (dlnlp build {assignment})")
    questions = written_questions(read_release(release))
    done = []
    submissions = collect(paths, assignment)
    with PdfRenderer(timeout or pdf.TIMEOUT) as renderer:
        for sub in submissions:
            target = out_dir / f"{sub.student}.pdf"
            data, given, problem = _one(renderer, assignment, sub.student, sub.path, questions)
            atomic_write(target, data)
            done.append(Exported(sub.student, target, given, len(questions), problem))
    return done
