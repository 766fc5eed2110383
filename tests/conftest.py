"""Shared fixtures: the course in this repository, and notebooks built from its reference."""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path

import nbformat
import pytest

from dlnlp.build.fill import fill
from dlnlp.build.splice import solved_notebook
from dlnlp.course import Course
from dlnlp.results import Results

REPO = Path(__file__).resolve().parents[1]
# the course the suite checks: this repository's, or (tests/test_author.py) a scaffolded one
COURSE = Course(Path(os.environ.get("DLNLP_TEST_COURSE", REPO)))
KIT_COURSE = Course(REPO)  # the kit's own assignments, for the tests that name one


@pytest.fixture(scope="session")
def course() -> Course:
    return COURSE


@functools.cache
def _solved(assignment: str) -> nbformat.NotebookNode:
    return solved_notebook(COURSE.source_notebook(assignment), COURSE.solution(assignment))


def solved(assignment: str) -> nbformat.NotebookNode:
    """The authored notebook with the reference spliced in: what a perfect student submits."""
    return copy.deepcopy(_solved(assignment))


def release(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(COURSE.release_notebook(assignment), as_version=4)


def with_code(assignment: str, code: str) -> nbformat.NotebookNode:
    """The perfect notebook with each function `code` defines replacing that function's cell."""
    return fill(_solved(assignment), code)


def grade_notebooks(
    assignment: str,
    notebooks: dict[str, nbformat.NotebookNode | bytes],
    folder: Path,
    only: list[str] | None = None,
    only_for: dict[str, list[str]] | None = None,
) -> dict[str, Results]:
    """Write each notebook as <student>.ipynb under folder/in and grade them in one batch
    (only the tests of the functions `only`, when given; `only_for`: per student)."""
    # here, not at the top: the grader imports torch (~1.5 s), which a test file that grades
    # nothing (and each pytest worker's start) need not pay
    from dlnlp.grade.batch import Options, grade_batch
    from dlnlp.render.gradescope import schema_errors

    subs = folder / "in"
    subs.mkdir(parents=True, exist_ok=True)
    for student, nb in notebooks.items():
        path = subs / f"{student}.ipynb"
        path.write_bytes(nb) if isinstance(nb, bytes) else nbformat.write(nb, path)
    # in parallel, as `dlnlp grade` does by default: the suite's big batches take half the time
    options = Options(jobs=os.cpu_count() or 1, only=only, only_for=only_for)
    results = {
        r.student: r for r in grade_batch(COURSE, assignment, [subs], folder / "out", options)
    }
    for student in results:  # every results.json the kit writes follows Gradescope's format
        data = json.loads((folder / "out" / student / "results.json").read_text())
        assert not schema_errors(data), schema_errors(data)
    return results


def function_scores(r: Results) -> dict[str, float]:
    return {f.name: f.score for f in r.functions}


def full_marks(r: Results) -> dict[str, float]:
    return {f.name: f.max_score for f in r.functions}


def skip_unless_deployable(reason: str | None) -> None:
    """A real deployment's test (Slurm, JupyterHub): skipped for `reason` (None: it can run),
    except where DLNLP_REQUIRE_CLUSTER=1 (CI installs the parts, so there it is a failure)."""
    if reason is None:
        return
    if os.environ.get("DLNLP_REQUIRE_CLUSTER") == "1":
        pytest.fail(f"DLNLP_REQUIRE_CLUSTER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system's Chromium. Skipped where the machine has none, except when
    DLNLP_REQUIRE_CHROMIUM is set (CI installs it, so there a missing browser fails)."""
    from dlnlp.browser import MISSING, find_chromium

    path = find_chromium()
    if path is None:
        if os.environ.get("DLNLP_REQUIRE_CHROMIUM"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    """Headless Chromium, driven by playwright: pages are checked as rendered."""
    from playwright.sync_api import sync_playwright

    from dlnlp.browser import launch_args

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=launch_args())
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; its screenshot lands in $DLNLP_SCREENSHOTS/<test>.png when that is set."""
    pg = browser.new_page(viewport={"width": 1100, "height": 900})
    yield pg
    shots = os.environ.get("DLNLP_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(Path(shots) / f"{request.node.name}.png"), full_page=True)
    pg.close()
