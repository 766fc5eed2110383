"""Do the visible checks run in a plain kernel with torch alone, say ✓ for the reference without a
word on stderr, and ✗ (not implemented) for the stubs? Does every release hold its written
questions as manually graded answer cells, without the model answers?"""

from __future__ import annotations

import functools
import os

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import COURSE, release, solved
from dlnlp.author.minimums import written_questions_ok

ASSIGNMENTS = list(COURSE.config().assignments)
# one torch thread in the kernel: the suite runs other test files beside it, and torch's threads
# spinning against them made the lab notebook (13 s alone) take 81-139 s, past the cell timeout
KERNEL_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


@functools.cache
def _ran(assignment: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """(the solved notebook, the release) after running both top to bottom as a student would,
    each in its own folder (where its data/ lies), in one kernel: the solved one first, in the
    fresh kernel, then the release after `%reset -f` (a kernel start and a torch import fewer
    per assignment). Errors do not stop the run; the tests read them in the outputs."""
    solved_nb, release_nb = solved(assignment), release(assignment)
    chdir = "%reset -f\nimport os\nos.chdir({!r})"
    source_dir = COURSE.source_notebook(assignment).parent
    release_dir = COURSE.release_notebook(assignment).parent
    both = nbformat.v4.new_notebook(metadata=solved_nb.metadata)
    both.cells = [
        _cell(chdir.format(str(source_dir))),
        *solved_nb.cells,
        _cell(chdir.format(str(release_dir))),
        *release_nb.cells,
    ]
    NotebookClient(
        both,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(source_dir)}},
    ).execute(env=KERNEL_ENV)
    n = len(solved_nb.cells)
    solved_nb.cells, release_nb.cells = both.cells[1 : n + 1], both.cells[n + 2 :]
    return solved_nb, release_nb


def _errors(nb) -> list:
    return [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


def _checks(nb):
    """(function, cell) for each visible-check cell."""
    return [
        (gid.removeprefix("check_"), c)
        for c in nb.cells
        if (gid := c.metadata.get("nbgrader", {}).get("grade_id", "")).startswith("check_")
    ]


def _printed(cell, stream="stdout") -> str:
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == stream
    )


def _written(nb):
    """(index, cell) for each written answer: a markdown cell nbgrader grades and solves."""
    return [
        (i, c)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown"
        and c.metadata.get("nbgrader", {}).get("grade")
        and c.metadata.get("nbgrader", {}).get("solution")
    ]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_pass_for_the_reference_without_stderr(assignment):
    nb = _ran(assignment)[0]
    assert not _errors(nb), [f"{e.ename}: {e.evalue}" for e in _errors(nb)]
    for cell in nb.cells:
        assert not _printed(cell, "stderr"), _printed(cell, "stderr")
    checks = _checks(nb)
    assert {fn for fn, _ in checks} == set(COURSE.config().assignment(assignment).functions)
    for fn, cell in checks:
        assert f"✓ {fn}: all visible checks passed" in _printed(cell), _printed(cell)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_fail_for_the_stubs(assignment):
    """Run All stops at a NotImplementedError; each check cell fails and says ✗ and why."""
    nb = _ran(assignment)[1]
    errors = _errors(nb)
    assert errors[0].ename == "NotImplementedError"
    for fn, cell in _checks(nb):
        assert any(o.output_type == "error" for o in cell.outputs), f"check_{fn} passed a stub"
        line = _printed(cell).strip()
        assert line.startswith(f"✗ {fn}: "), line
        # a check that uses an earlier check's trained model asks to run the cells above
        assert "not implemented yet" in line or "run the cells above first" in line, line
        assert not _printed(cell, "stderr")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_written_questions_are_manually_graded_cells(assignment):
    """2 to 4 written answers, each "YOUR ANSWER HERE" right after its locked prompt; their points
    are nbgrader's (graded by hand), apart from the auto-graded points of grader_config.yaml."""
    nb = release(assignment)
    answers = _written(nb)
    assert written_questions_ok(len(answers)), len(answers)
    for i, cell in answers:
        meta = cell.metadata.nbgrader
        assert cell.source.strip() == "YOUR ANSWER HERE", cell.source
        assert meta["grade_id"].startswith("written_") and meta["points"] in (1, 2)
        assert not meta["locked"]
        prompt = nb.cells[i - 1]
        assert prompt.cell_type == "markdown" and prompt.source.startswith("### Written question")
        assert prompt.metadata.nbgrader["grade_id"] == f"{meta['grade_id']}_question"
        assert prompt.metadata.nbgrader["locked"] and not prompt.metadata.nbgrader["grade"]
    auto = sum(c.metadata.nbgrader.get("points", 0) for _, c in _checks(nb))
    assert auto == COURSE.config().assignment(assignment).max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_model_answer(assignment):
    authored = nbformat.read(COURSE.source_notebook(assignment), as_version=4)
    model = _written(authored)
    released = release(assignment)
    assert [c.id for _, c in model] == [c.id for _, c in _written(released)]
    text = "\n".join(c.source for c in released.cells)
    for _, cell in model:
        assert "YOUR ANSWER HERE" not in cell.source
        leaked = [s for s in cell.source.splitlines() if len(s.strip()) > 30 and s.strip() in text]
        assert not leaked, leaked
