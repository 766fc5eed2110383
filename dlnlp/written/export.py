"""Submissions -> OUT/<student>.pdf: each student's written answers, one question per page.

Every student collected gets a PDF, even with an unreadable notebook (the PDF says so), so the
set of PDFs matches the class list when they are uploaded to Gradescope for manual grading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

from dlnlp.grade.collect import collect
from dlnlp.render import atomic_write
from dlnlp.written.pdf import PdfRenderer
from dlnlp.written.select import UNANSWERED, answers_notebook, title_cell, written_questions


@dataclass
class Exported:
    student: str
    pdf: Path
    answered: int
    questions: int
    problem: str = ""  # why no answers could be read


def _unreadable(student: str, title: str, why: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    note = f"The submitted notebook could not be read ({why}), so no answers are shown."
    nb.cells.append(title_cell(student, title, note))
    nb.cells[0].id = "written-0"
    return nb


def export_written(assignment: str, paths: list[Path], out_dir: Path) -> list[Exported]:
    done = []
    submissions = collect(paths, assignment)
    with PdfRenderer() as renderer:
        for sub in submissions:
            target = out_dir / f"{sub.student}.pdf"
            try:
                nb = nbformat.read(sub.path, as_version=4)
            except Exception as e:  # not JSON, not a notebook, missing: the PDF says which
                why = f"{sub.path.name}: {type(e).__name__}"
                atomic_write(target, renderer.pdf(_unreadable(sub.student, assignment, why)))
                done.append(Exported(sub.student, target, 0, 0, why))
                continue
            questions = written_questions(nb)
            answered = sum(a.strip() not in ("", UNANSWERED) for _, _, a in questions)
            atomic_write(target, renderer.pdf(answers_notebook(nb, sub.student, assignment)))
            done.append(Exported(sub.student, target, answered, len(questions)))
    return done
