"""The stubs students get: the authored notebook's graded cells as nbgrader's own ClearSolutions
preprocessor leaves them in the release (`# YOUR CODE HERE` / `raise NotImplementedError()`)."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from dlnlp.notebook import grade_id, is_solution


def stub_sources(source: Path) -> dict[str, str]:
    """grade_id -> the release's source of each graded code cell of the authored notebook."""
    from nbgrader.preprocessors import ClearSolutions  # the author extra; 3 s to import

    nb = copy.deepcopy(nbformat.read(source, as_version=4))
    cleared, _ = ClearSolutions().preprocess(nb, {})
    return {
        gid: cell.source
        for cell in cleared.cells
        if cell.cell_type == "code" and is_solution(cell) and (gid := grade_id(cell))
    }
