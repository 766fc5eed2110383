"""Does every catalogued wrong implementation lose points on its function, with the right hint?
Does every correct alternative get full marks?"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import full_marks, function_scores, grade_notebooks, with_code

HERE = Path(__file__).parent
MUTANTS = sorted((HERE / "mutants" / "attention").glob("*.py"))
ALTERNATIVES = sorted((HERE / "alternatives" / "attention").glob("*.py"))


def _header(path: Path) -> dict[str, str]:
    """The `key: value` lines of a mutant's docstring."""
    doc = path.read_text().split('"""')[1]
    return dict(
        line.split(": ", 1)
        for line in doc.splitlines()
        if ": " in line and line.split(": ")[0] in ("target", "hint")
    )


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    notebooks = {f"mutant-{p.stem}": with_code("attention", p.read_text()) for p in MUTANTS}
    notebooks |= {f"alt-{p.stem}": with_code("attention", p.read_text()) for p in ALTERNATIVES}
    return grade_notebooks("attention", notebooks, tmp_path_factory.mktemp("mutants"))


def test_catalogue_is_large_enough():
    """Are there at least 10 mutants and 3 correct alternatives?"""
    assert len(MUTANTS) >= 10 and len(ALTERNATIVES) >= 3


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda p: p.stem)
def test_mutant_loses_points_on_its_function_with_its_hint(graded, mutant):
    """Does this mutant lose points on the function it breaks, with a message naming the mistake?"""
    header = _header(mutant)
    target, hint = header["target"], header["hint"]
    r = graded[f"mutant-{mutant.stem}"]
    scores, full = function_scores(r), full_marks(r)
    assert scores[target] < full[target], f"{mutant.stem} was not caught"
    failed = [t.output for t in r.tests if t.function == target and t.status == "failed"]
    assert any(hint in out for out in failed), f"expected {hint!r} in {failed}"
    # functions that do not call the broken one keep their marks
    independent = {"causal_mask", "sinusoidal_positional_encoding"} - {target}
    assert all(scores[f] == full[f] for f in independent)


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=lambda p: p.stem)
def test_correct_alternative_gets_full_marks(graded, alternative):
    """Does a correct solution written differently (einsum, loops, float64 inside) get 100%?"""
    r = graded[f"alt-{alternative.stem}"]
    assert r.score == r.max_score, [(t.name, t.output) for t in r.tests if t.status == "failed"]
