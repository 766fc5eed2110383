"""Does every catalogued wrong implementation lose points on its function, with the hint that
names its mistake? Does every correct alternative get full marks?

A mutant is tests/mutants/<assignment>/<name>.py: the wrong function(s), with a docstring that
says `target: <function>`, `hint: <words the feedback must contain>` and, optionally,
`unaffected: <functions that must keep full marks>`. An alternative is
tests/alternatives/<assignment>/<name>.py: correct code for one or more graded functions.
dlnlp.author.catalogue reads both, here and for `dlnlp check` (one function's share, in seconds).
"""

from __future__ import annotations

import pytest

from conftest import COURSE, full_marks, function_scores, grade_notebooks, with_code
from dlnlp.author.catalogue import alternatives, mutants
from dlnlp.author.minimums import MIN_ALTERNATIVES, MIN_MUTANTS

# every assignment: one without a catalogue fails test_catalogue_is_large_enough
ASSIGNMENTS = list(COURSE.config().assignments)
MUTANTS = [m for a in ASSIGNMENTS for m in mutants(COURSE, a)]
ALTERNATIVES = [p.path for a in ASSIGNMENTS for p in alternatives(COURSE, a)]


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
            for m in MUTANTS:
                if m.path.parent.name == assignment:
                    batch = fast if slow and m.target not in slow else whole
                    batch[f"mutant-{m.name}"] = with_code(assignment, m.path.read_text())
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
    """Are there at least 10 mutants and 3 correct alternatives (author/minimums.py)?"""
    assert sum(m.path.parent.name == assignment for m in MUTANTS) >= MIN_MUTANTS
    assert sum(p.parent.name == assignment for p in ALTERNATIVES) >= MIN_ALTERNATIVES


def _mutant_loses_points(graded, mutant) -> None:
    assignment, target, hint = mutant.path.parent.name, mutant.target, mutant.hint
    r = graded(assignment)[f"mutant-{mutant.name}"]
    scores, full = function_scores(r), full_marks(r)
    assert scores[target] < full[target], f"{mutant.name} was not caught"
    assert any(hint in out for out in r.texts(target)), f"expected {hint!r} in {r.texts(target)}"
    for fn in mutant.unaffected:
        assert fn in COURSE.config().assignment(assignment).functions, fn
        if fn not in scores and fn in SLOW.get(assignment, set()):
            continue  # graded without the training tests (see SLOW)
        assert scores[fn] == full[fn], (
            f"{fn} lost points: {[t.output for t in r.tests if t.function == fn]}"
        )


def _catalogue_tests(assignment: str) -> type:
    """The tests of one assignment's catalogue, as a class: `make test` (--dist loadscope)
    hands each class to one worker, so each assignment's batch is graded once and the
    assignments' batches spread over the workers."""
    ms = [m for m in MUTANTS if m.path.parent.name == assignment]
    alts = [p for p in ALTERNATIVES if p.parent.name == assignment]

    class Catalogue:
        @pytest.mark.parametrize("mutant", ms, ids=lambda m: f"{m.path.parent.name}/{m.name}")
        def test_mutant_loses_points_on_its_function_with_its_hint(self, graded, mutant):
            """Does this mutant lose points on the function it breaks, with a message naming
            the mistake?"""
            _mutant_loses_points(graded, mutant)

        @pytest.mark.parametrize("alternative", alts, ids=lambda p: f"{p.parent.name}/{p.stem}")
        def test_correct_alternative_gets_full_marks(self, graded, alternative):
            """Does a correct solution written differently (einsum, loops, float64 inside) get
            100%?"""
            r = graded(alternative.parent.name)[f"alt-{alternative.stem}"]
            failed = [(t.name, t.output) for t in r.tests if t.status == "failed"]
            assert r.score == r.max_score, failed

    Catalogue.__name__ = Catalogue.__qualname__ = f"TestCatalogue_{assignment}"
    return Catalogue


for _a in ASSIGNMENTS:
    globals()[f"TestCatalogue_{_a}"] = _catalogue_tests(_a)
