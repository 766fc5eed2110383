"""Does every catalogued wrong implementation lose points on its function, with the hint that
names its mistake? Does every correct alternative get full marks?

A mutant is tests/mutants/<assignment>/<name>.py: the wrong function(s), with a docstring that
says `target: <function>`, `hint: <words the feedback must contain>` and, optionally,
`unaffected: <functions that must keep full marks>`. An alternative is
tests/alternatives/<assignment>/<name>.py: correct code for one or more graded functions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import COURSE, full_marks, function_scores, grade_notebooks, with_code

HERE = Path(__file__).parent
ASSIGNMENTS = [a for a in COURSE.config().assignments if (HERE / "mutants" / a).is_dir()]
MUTANTS = [p for a in ASSIGNMENTS for p in sorted((HERE / "mutants" / a).glob("*.py"))]
ALTERNATIVES = [p for a in ASSIGNMENTS for p in sorted((HERE / "alternatives" / a).glob("*.py"))]


def _header(path: Path) -> dict[str, str]:
    """The `key: value` lines of a mutant's docstring."""
    doc = path.read_text().split('"""')[1]
    keys = ("target", "hint", "unaffected")
    return dict(line.split(": ", 1) for line in doc.splitlines() if line.split(": ")[0] in keys)


# The lab's end-to-end training tests cost about 7 s per notebook. They run for the mutants
# whose mistake is in a training function and for every alternative; the lab's other mutants
# are graded on the other functions alone. Those mutants' targets lose points and show their
# hints exactly as before, and their `unaffected` claims are checked on every function graded;
# what is not checked is that they leave the two training scores alone (the grader trains on
# its own preprocessed ids, so tokenize, build_vocab, predict, sample... never reach training).
# This keeps the catalogue's CI time about two minutes lower.
SLOW = {"nlp_lab": {"train_classifier", "train_language_model"}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """assignment -> {student: Results}: each assignment's catalogue graded in batches, on demand."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            slow = SLOW.get(assignment, set())
            whole, fast = {}, {}
            for p in MUTANTS:
                if p.parent.name == assignment:
                    batch = fast if slow and _header(p)["target"] not in slow else whole
                    batch[f"mutant-{p.stem}"] = with_code(assignment, p.read_text())
            for p in ALTERNATIVES:
                if p.parent.name == assignment:
                    whole[f"alt-{p.stem}"] = with_code(assignment, p.read_text())
            folder = tmp_path_factory.mktemp(assignment)
            cache[assignment] = grade_notebooks(assignment, whole, folder / "whole")
            if fast:
                functions = COURSE.config().assignment(assignment).functions
                only = [f for f in functions if f not in slow]
                cache[assignment] |= grade_notebooks(assignment, fast, folder / "fast", only)
        return cache[assignment]

    return get


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_is_large_enough(assignment):
    """Are there at least 10 mutants and 3 correct alternatives?"""
    assert sum(p.parent.name == assignment for p in MUTANTS) >= 10
    assert sum(p.parent.name == assignment for p in ALTERNATIVES) >= 3


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_mutant_loses_points_on_its_function_with_its_hint(graded, mutant):
    """Does this mutant lose points on the function it breaks, with a message naming the mistake?"""
    header = _header(mutant)
    target, hint = header["target"], header["hint"]
    r = graded(mutant.parent.name)[f"mutant-{mutant.stem}"]
    scores, full = function_scores(r), full_marks(r)
    assert scores[target] < full[target], f"{mutant.stem} was not caught"
    failed = [t.output for t in r.tests if t.function == target and t.status == "failed"]
    failed += next(f.notes for f in r.functions if f.name == target)
    assert any(hint in out for out in failed), f"expected {hint!r} in {failed}"
    for fn in filter(None, (f.strip() for f in header.get("unaffected", "").split(","))):
        assert fn in COURSE.config().assignment(mutant.parent.name).functions, fn
        if fn not in scores and fn in SLOW.get(mutant.parent.name, set()):
            continue  # graded without the training tests (see SLOW)
        assert scores[fn] == full[fn], (
            f"{fn} lost points: {[t.output for t in r.tests if t.function == fn]}"
        )


@pytest.mark.parametrize("alternative", ALTERNATIVES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_correct_alternative_gets_full_marks(graded, alternative):
    """Does a correct solution written differently (einsum, loops, float64 inside) get 100%?"""
    r = graded(alternative.parent.name)[f"alt-{alternative.stem}"]
    assert r.score == r.max_score, [(t.name, t.output) for t in r.tests if t.status == "failed"]
