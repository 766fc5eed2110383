"""Do the visible checks warn a student, before the due date, of the mistakes they can catch
without giving answers away (multi-head attention scaled by sqrt(d_model), heads reshaped
without the transpose, inputs with more batch dims or a 2-D causal mask, a detached output,
layer_grad_norms taking act' from the residual sum)? And do correct alternatives still pass them?

A check cell runs in this process after every code cell above it but the other check cells
(the imports, the `visible_checks` helper, the solution cells), as "Run All" reaches it:
test_release_notebook.py runs whole notebooks in a kernel; this file runs one cell per mistake,
in milliseconds.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from conftest import with_code

HERE = Path(__file__).parent

# (assignment, mutant in tests/mutants/<assignment>/, check cell's function, words its ✗ line says)
CAUGHT = [
    ("attention", "mha_scale_by_d_model", "multi_head_attention", "not by sqrt(d_model)"),
    ("attention", "mha_wrong_head_split", "multi_head_attention", "mixes positions into heads"),
    ("attention", "mha_3d_only", "multi_head_attention", "any number of leading batch dims"),
    ("attention", "mha_mask_head_axis_at_1", "multi_head_attention", "not at dim 1"),
    ("attention", "mha_detached", "multi_head_attention", "cut off from autograd"),
    ("attention", "sdpa_detached", "scaled_dot_product_attention", "cut off from autograd"),
    ("backprop", "norms_derivative_from_sum", "layer_grad_norms", "not from the residual sum"),
]
ALTERNATIVES = sorted(
    p for a in ("attention", "backprop") for p in (HERE / "alternatives" / a).glob("*.py")
)


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _exec(cell, namespace: dict) -> None:
    exec(compile(cell.source, f"<cell {cell.get('id')}>", "exec"), namespace)


def run_check(nb, function: str) -> tuple[str, Exception | None]:
    """(what the check cell of `function` printed, the error it ended with), run after every
    code cell above it but the other check cells, as "Run All" reaches it."""
    namespace: dict = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if _grade_id(cell) == f"check_{function}":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                try:
                    _exec(cell, namespace)
                except Exception as error:  # the helper prints ✗ and raises again
                    return out.getvalue(), error
            return out.getvalue(), None
        if not _grade_id(cell).startswith("check_"):
            _exec(cell, namespace)
    raise KeyError(f"no check cell for {function}")


def _checks(nb) -> list[str]:
    return [
        _grade_id(c).removeprefix("check_") for c in nb.cells if _grade_id(c).startswith("check_")
    ]


def _mutant(assignment: str, name: str) -> str:
    return (HERE / "mutants" / assignment / f"{name}.py").read_text()


@pytest.mark.parametrize(
    ("assignment", "mutant", "function", "words"), CAUGHT, ids=[c[1] for c in CAUGHT]
)
def test_visible_check_fails_on_the_mistake_and_names_it(assignment, mutant, function, words):
    """Does the check cell of the broken function fail, with a ✗ line that names the mistake?"""
    printed, error = run_check(with_code(assignment, _mutant(assignment, mutant)), function)
    assert error is not None, f"check_{function} passed {mutant}: {printed}"
    line = next(s for s in printed.splitlines() if s.startswith(("✓", "✗")))
    assert line.startswith(f"✗ {function}: ") and words in line, line


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_alternatives_pass_every_visible_check(alternative):
    """Does a correct solution written differently (einsum, loops, float64 inside) pass each
    check cell, the new ones included, without a warning note?"""
    nb = with_code(alternative.parent.name, alternative.read_text())
    for function in _checks(nb):
        printed, error = run_check(nb, function)
        assert error is None, printed
        assert printed.strip() == f"✓ {function}: all visible checks passed", printed
