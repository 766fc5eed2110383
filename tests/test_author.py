"""Does the author's loop work: does `dlnlp new` scaffold an assignment that `dlnlp check` passes
at once, and does `dlnlp check` fail, naming the problem, when the material is wrong?

Each course here is a folder in tmp_path holding a copy of grader_config.yaml: nothing is
written into the repository. Grading runs twice in all (one course right, one with three
things wrong at once), on the scaffold's one small function.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import COURSE
from dlnlp.author.new import NewError, new_assignment
from dlnlp.cli import main
from dlnlp.course import Course

A = "demo_assignment"


def dlnlp(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _course(root) -> Course:
    """A course folder with the repository's config and the folders other assignments fill."""
    for part in ("assignments", "solutions", "autograder", "tests/mutants", "tests/alternatives"):
        (root / part).mkdir(parents=True)
        (root / part / "other.txt").write_text("another assignment's file")
    shutil.copy(COURSE.config_path, root / "grader_config.yaml")
    return Course(root)


def _new_course(root) -> Course:
    _course(root)
    result = dlnlp("new", A, "--root", str(root))
    assert result.exit_code == 0, result.output
    return Course(root)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """`dlnlp check` of a freshly scaffolded assignment."""
    course = _new_course(tmp_path_factory.mktemp("right") / "course")
    return dlnlp("check", A, "--only", "softmax", "--root", str(course.root))


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """`dlnlp check` of a scaffold with a reference off by 1%, a "mutant" that is correct, a
    mutant whose hint is not what its feedback says, and one whose target is misspelt."""
    course = _new_course(tmp_path_factory.mktemp("broken") / "course")
    solution = course.solution(A)
    solution.write_text(solution.read_text().replace("keepdim=True)\n", "keepdim=True) * 0.99\n"))
    mutants = course.root / "tests" / "mutants" / A
    wrong_dim = (mutants / "softmax_wrong_dim.py").read_text()
    (mutants / "softmax_wrong_hint.py").write_text(
        wrong_dim.replace("hint: the wrong dimension", "hint: subtract the max")
    )
    (mutants / "softmax_correct.py").write_text(
        '"""Correct after all.\n\ntarget: softmax\nhint: anything\n"""\nimport torch\n\n\n'
        "def softmax(x):\n    return torch.exp(x - torch.logsumexp(x, -1, keepdim=True))\n"
    )
    (mutants / "softmax_typo.py").write_text(wrong_dim.replace("target: softmax", "target: sofmax"))
    return dlnlp("check", A, "--only", "softmax", "--root", str(course.root))


def test_a_new_assignment_passes_check_at_once(checked):
    """Does the scaffold pass every verdict (reference, stub, mutant, alternative, visible checks)?"""
    assert checked.exit_code == 0, checked.output
    for line in ("✓ reference", "✓ stub", "✓ mutant softmax_wrong_dim", "✓ alternative logsumexp"):
        assert line in checked.output
    assert "✓ visible checks: pass on the reference, fail on the stub" in checked.output
    assert "0 failed" in checked.output


def test_check_warns_below_the_catalogue_minimums(checked):
    """Is a catalogue smaller than the suite's minimums a warning, not a failure?"""
    assert "warning: demo_assignment has 1 mutants" in checked.output
    assert "at least 10" in checked.output and "at least 3" in checked.output


def test_check_fails_when_the_reference_loses_points(broken):
    """Does a reference below full marks fail the check, with what the student would read?"""
    assert broken.exit_code == 1
    assert "✗ reference: softmax 0/2; the student read:" in broken.output


def test_check_fails_when_a_mutant_is_not_caught(broken):
    assert "✗ mutant softmax_correct: not caught (softmax kept 2/2)" in broken.output


def test_check_fails_when_a_hint_is_wrong(broken):
    """Is a hint missing from the feedback named, with the feedback the student got instead?"""
    line = next(x for x in broken.output.splitlines() if "mutant softmax_wrong_hint" in x)
    assert line.startswith("  ✗") and "hint 'subtract the max' not found" in line
    assert "the wrong dimension" in line  # what the student read instead


def test_check_fails_when_the_visible_checks_fail_on_the_reference(broken):
    assert "✗ visible checks: fail on the reference: ✗ softmax:" in broken.output


def test_check_warns_of_a_target_that_is_not_a_graded_function(broken):
    """Is a misspelt `target:` named, rather than the mutant silently never checked?"""
    assert "softmax_typo.py: target 'sofmax' is not a graded function" in broken.output


def test_check_names_an_unknown_function(tmp_path):
    course = _new_course(tmp_path / "course")
    result = dlnlp("check", A, "--only", "softmx", "--root", str(course.root))
    assert result.exit_code == 1 and "--only softmx: not a graded function" in result.output


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("attention", "exists already"),
        ("2nd_lab", "not a Python identifier"),
        ("torch", "importable module"),
    ],
)
def test_new_refuses_an_id_it_cannot_use(tmp_path, name, why):
    root = _course(tmp_path / "course").root
    before = sorted(root.rglob("*"))
    result = dlnlp("new", name, "--root", str(root))
    assert result.exit_code == 1 and why in result.output
    assert sorted(root.rglob("*")) == before


def test_new_leaves_nothing_behind_when_the_config_entry_cannot_land(tmp_path):
    """When `assignments:` is not the config's last section, is every file removed again and the
    config restored byte for byte?"""
    text = COURSE.config_path.read_text()
    start, end = text.index("\nlimits:"), text.index("\ngradescope:")
    text = text[:start] + text[end:] + text[start:end] + "\n"  # limits: now comes last
    course = _course(tmp_path / "course")
    course.config_path.write_text(text)
    course.config()  # valid before
    before = sorted(course.root.rglob("*"))
    with pytest.raises(NewError, match="undone"):
        new_assignment(course, A)
    assert course.config_path.read_text() == text
    assert sorted(course.root.rglob("*")) == before


def test_list_prints_the_configured_assignments():
    result = dlnlp("list", "--root", str(COURSE.root))
    assert result.output.split() == list(COURSE.config().assignments)
