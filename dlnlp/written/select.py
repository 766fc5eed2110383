"""A submitted notebook -> a notebook of its written questions and the student's answers only.

A written answer is an nbgrader manually graded markdown cell (`grade` and `solution` true);
its question is the markdown cell just before it. Code, outputs and the rest of the notebook
stay out: the PDF is for grading the prose, one question per page so that Gradescope's page
matching lines up with the rubric.
"""

from __future__ import annotations

import nbformat

# nbconvert turns cell tags into classes: the page breaks and the answers' style hang on them
QUESTION_TAG, ANSWER_TAG = "dlnlp-question", "dlnlp-answer"
UNANSWERED = "YOUR ANSWER HERE"


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_written_answer(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "markdown" and bool(meta.get("grade") and meta.get("solution"))


def written_questions(nb: nbformat.NotebookNode) -> list[tuple[str, str, str]]:
    """[(grade_id, question markdown, answer markdown)] in notebook order."""
    found = []
    for i, cell in enumerate(nb.cells):
        if is_written_answer(cell):
            before = nb.cells[i - 1] if i > 0 else None
            question = (
                before.source if before is not None and before.cell_type == "markdown" else ""
            )
            found.append((_nbgrader(cell).get("grade_id", f"cell-{i}"), question, cell.source))
    return found


def title_cell(student: str, title: str, note: str = "") -> nbformat.NotebookNode:
    text = f"# {title}: written answers\n\nStudent: **{student}**"
    return nbformat.v4.new_markdown_cell(text + (f"\n\n{note}" if note else ""))


def answers_notebook(nb: nbformat.NotebookNode, student: str, title: str) -> nbformat.NotebookNode:
    """The notebook the PDF is rendered from: a title, then each question and its answer."""
    out = nbformat.v4.new_notebook()
    out.cells.append(title_cell(student, title))
    for grade_id, question, answer in written_questions(nb):
        if not answer.strip() or answer.strip() == UNANSWERED:
            answer = "*(no answer)*"
        # untrusted: no raw HTML (a tag cannot open without "<"); "<" in maths still shows
        answer = answer.replace("<", "&lt;")
        cell = nbformat.v4.new_markdown_cell(question, metadata={"tags": [QUESTION_TAG]})
        out.cells += [
            cell,
            nbformat.v4.new_markdown_cell(
                answer, metadata={"tags": [ANSWER_TAG], "grade_id": grade_id}
            ),
        ]
    for i, cell in enumerate(out.cells):  # fixed ids: nbformat would make random ones
        cell.id = f"written-{i}"
    return out
