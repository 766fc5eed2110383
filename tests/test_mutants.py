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
from dlnlp.author.catalogue import alternatives, mutants, too_many_hidden_only
from dlnlp.author.minimums import MIN_ALTERNATIVES, MIN_MUTANTS
from dlnlp.author.reach import graded_functions
from dlnlp.author.visible import VisibleChecks, catalogue_plan, caught

# every assignment: one without a catalogue fails test_catalogue_is_large_enough
ASSIGNMENTS = list(COURSE.config().assignments)
MUTANTS = [m for a in ASSIGNMENTS for m in mutants(COURSE, a)]
ALTERNATIVE_ITEMS = [x for a in ASSIGNMENTS for x in alternatives(COURSE, a)]
ALTERNATIVES = [x.path for x in ALTERNATIVE_ITEMS]


# Each mutant is graded on the functions its tests assert: its target, and those it claims to
# leave `unaffected`; each alternative on every function. But the training loops (functions with
# their own `call_seconds` in grader_config.yaml, as `dlnlp check` treats them) train models for
# seconds per notebook: an entry is graded on one of them only where that function's hidden
# tests can run code the entry changed (dlnlp.author.reach, read statically, its reading checked
# against what the tests really call by test_reach.py). Where they cannot, the entry's notebook
# runs the reference's code in them, and its grade there is the reference's, which
# test_grading.py asserts is full. One batch per assignment (Options.only_for), so the
# catalogue pays one grader start-up.
@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """assignment -> ({student: Results}, {visible-check key: CellRun}, {student: the functions
    it was graded on}): each assignment's catalogue graded in one batch, and run through the
    notebook's visible checks meanwhile, on demand."""
    cache: dict[str, tuple[dict, dict, dict]] = {}

    def get(assignment: str) -> tuple[dict, dict, dict]:
        if assignment not in cache:
            functions = list(COURSE.config().assignment(assignment).functions)
            notebooks, asserted = {}, {}
            ms = [m for m in MUTANTS if m.path.parent.name == assignment]
            for m in ms:
                key = f"mutant-{m.name}"
                notebooks[key] = with_code(assignment, m.path.read_text())
                asserted[key] = {m.target, *m.unaffected}
            for p in ALTERNATIVES:
                if p.parent.name == assignment:
                    notebooks[f"alt-{p.stem}"] = with_code(assignment, p.read_text())
                    asserted[f"alt-{p.stem}"] = set(functions)
            reference = with_code(assignment, "")
            only_for = graded_functions(COURSE, assignment, reference, notebooks, asserted)
            folder = tmp_path_factory.mktemp(assignment)
            alts = [x for x in ALTERNATIVE_ITEMS if x.path.parent.name == assignment]
            runs = catalogue_plan(notebooks, functions, ms, alts)
            with VisibleChecks(runs, COURSE.source_notebook(assignment).parent) as visible:
                results = grade_notebooks(assignment, notebooks, folder, only_for=only_for)
                cache[assignment] = results, visible.results(), only_for
        return cache[assignment]

    return get


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_is_large_enough(assignment):
    """Are there at least 10 mutants and 3 correct alternatives (author/minimums.py)?"""
    assert sum(m.path.parent.name == assignment for m in MUTANTS) >= MIN_MUTANTS
    assert sum(p.parent.name == assignment for p in ALTERNATIVES) >= MIN_ALTERNATIVES


def _mutant_loses_points(graded, mutant) -> None:
    assignment, target, hint = mutant.path.parent.name, mutant.target, mutant.hint
    results, _, only_for = graded(assignment)
    r = results[f"mutant-{mutant.name}"]
    scores, full = function_scores(r), full_marks(r)
    assert scores[target] < full[target], f"{mutant.name} was not caught"
    assert any(hint in out for out in r.texts(target)), f"expected {hint!r} in {r.texts(target)}"
    for fn in mutant.unaffected:
        assert fn in COURSE.config().assignment(assignment).functions, fn
        if fn not in only_for[f"mutant-{mutant.name}"]:
            continue  # its tests cannot run the mutant's code: the reference's full marks
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
            results, _, only_for = graded(assignment)
            r = results[f"alt-{alternative.stem}"]
            failed = [(t.name, t.output) for t in r.tests if t.status == "failed"]
            assert r.score == r.max_score, failed
            # every function, bar the training loops its change cannot reach
            assert set(function_scores(r)) == set(only_for[f"alt-{alternative.stem}"])

        @pytest.mark.parametrize("mutant", ms, ids=lambda m: f"{m.path.parent.name}/{m.name}")
        def test_mutant_fails_its_functions_visible_check(self, graded, mutant):
            """Does the notebook's own check of the mutant's function fail on it, so the
            student meets the mistake before submitting (unless it is marked hidden-only)?"""
            run = graded(assignment)[1][f"{mutant.target}/mutant-{mutant.name}"]
            if mutant.hidden_only:
                return  # allowed to pass the notebook (a banned API, or a reason it gives)
            assert caught(run), (
                f"check_{mutant.target} passes on {mutant.name}: make it fail, or mark the "
                f"mutant `hidden-only: <why>`; it printed {run.stdout[-300:]!r}"
            )

        @pytest.mark.parametrize("alternative", alts, ids=lambda p: f"{p.parent.name}/{p.stem}")
        def test_correct_alternative_passes_the_visible_checks(self, graded, alternative):
            """Does every check of a function the alternative defines pass on it (a correct
            solution written differently is never told it is wrong)?"""
            runs = graded(assignment)[1]
            mine = {k: r for k, r in runs.items() if k.endswith(f"/alt-{alternative.stem}")}
            failed = {k: r.error or r.stdout[-300:] for k, r in mine.items() if not r.ok}
            assert mine and not failed, failed or "no visible check ran on it"

        def test_hidden_only_mutants_are_few(self):
            """Are fewer than 10 % of the catalogue hidden-only for reasons other than a banned
            API (author/minimums.py)?"""
            assert too_many_hidden_only(COURSE, assignment) is None

    Catalogue.__name__ = Catalogue.__qualname__ = f"TestCatalogue_{assignment}"
    return Catalogue


for _a in ASSIGNMENTS:
    globals()[f"TestCatalogue_{_a}"] = _catalogue_tests(_a)
