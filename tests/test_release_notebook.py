"""Do the visible checks run in a plain kernel with torch alone, pass for the reference without a
word on stderr, and fail for the stubs?"""

from __future__ import annotations

import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import COURSE, release, solved

ASSIGNMENTS = list(COURSE.config().assignments)


def _run(nb, folder):
    """Run `nb` top to bottom as a student would, in `folder` (where its data/ lies)."""
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_pass_for_the_reference_without_stderr(assignment):
    nb = _run(solved(assignment), COURSE.source_notebook(assignment).parent)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), (
                out.get("text")
            )
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    functions = COURSE.config().assignment(assignment).functions
    assert printed.count("✓") >= len(functions)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_fail_for_the_stubs(assignment):
    with pytest.raises(CellExecutionError, match="NotImplementedError"):
        _run(release(assignment), COURSE.release_notebook(assignment).parent)
