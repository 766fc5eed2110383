"""Does the author's loop work: does `dlnlp new` scaffold an assignment that `dlnlp check` passes
at once, do `dlnlp new --function` and `dlnlp rename` keep it so, does an assignment that
`dlnlp check` passes pass the kit's own suite, and does `dlnlp check` fail, naming the problem,
when the material is wrong?

Each course here is a folder in tmp_path holding a copy of grader_config.yaml: nothing is
written into the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter

import nbformat
import pytest
from click.testing import CliRunner

from conftest import COURSE, REPO
from dlnlp.author import new as new_module
from dlnlp.author.catalogue import too_many_hidden_only
from dlnlp.author.check import below_minimums
from dlnlp.author.config_edit import _yaml
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
    """(the course, `dlnlp check` of it): a course holding only a freshly scaffolded assignment
    and its sample hand-ins (examples/make_examples.py), as a new course's author would have."""
    root = tmp_path_factory.mktemp("right") / "course"
    (root / "examples").mkdir(parents=True)
    y = _yaml()
    doc = y.load(COURSE.config_path.read_text())
    doc["assignments"].clear()
    with open(root / "grader_config.yaml", "w") as f:
        y.dump(doc, f)
    assert dlnlp("new", A, "--root", str(root)).exit_code == 0
    make = [sys.executable, str(REPO / "examples" / "make_examples.py"), "--root", str(root), A]
    subprocess.run(make, check=True, capture_output=True)
    return Course(root), dlnlp("check", A, "--root", str(root))


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
    for name in ("max_values", "row_loop"):  # 1 alternative left: below the minimum of 3
        (course.alternatives_dir(A) / f"{name}.py").unlink()
    return dlnlp("check", A, "--root", str(course.root))


def test_a_new_assignment_passes_check_at_once(checked):
    """Does the scaffold pass every verdict (reference, stub, mutants, alternatives, visible
    checks) and the whole assignment's (the minimums, a current release, samples)?"""
    checked = checked[1]
    assert f"✓ {A} samples: 3 sample(s)" in checked.output
    assert checked.exit_code == 0, checked.output
    for line in ("✓ reference", "✓ stub", "✓ mutant softmax_wrong_dim", "✓ alternative logsumexp"):
        assert line in checked.output
    assert "✓ visible checks: pass on the reference, fail on the stub" in checked.output
    assert f"✓ {A} minimums" in checked.output and f"✓ {A} release: current" in checked.output
    assert "0 failed" in checked.output and "warning" not in checked.output


def test_check_fails_below_the_minimums(broken):
    """Is an assignment below author/minimums.py a failure of `dlnlp check`, naming what lacks?"""
    assert broken.exit_code == 1
    assert f"✗ {A} minimums: {A} has 1 alternatives in tests/alternatives/{A}/" in broken.output
    assert "at least 3" in broken.output


def test_minimums_count_written_questions_and_warn_under_only(tmp_path):
    """Are written questions counted (2 to 4), and is the lack only a warning while one function
    is checked (`--only`), where the author is mid-way?"""
    course = _new_course(tmp_path / "course")
    source = course.source_notebook(A)
    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if "temperature" not in c.get("id", "")]
    nbformat.write(nb, source)
    (course.mutants_dir(A) / "softmax_sigmoid.py").unlink()
    lacking = below_minimums(course, A)
    assert any("has 9 mutants" in x for x in lacking), lacking
    assert any("asks 1 written question(s)" in x and "2 to 4" in x for x in lacking), lacking
    result = dlnlp("check", A, "--only", "softmax", "--root", str(course.root))
    assert result.exit_code == 0, result.output  # mid-way: warned, not failed
    assert "warning: demo_assignment has 9 mutants" in result.output
    assert "warning: assignments/demo_assignment/demo_assignment.ipynb asks 1" in result.output


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


def test_check_fails_when_a_visible_check_passes_a_mutant(broken):
    """Is a mutant the notebook's own check lets through (here: correct code) a failure, with
    the catch rate printed?"""
    line = next(x for x in broken.output.splitlines() if "visible checks' catch rate" in x)
    assert line.startswith("  ✗") and "pass on mutant(s) softmax_correct" in line, line


def test_notebook_only_prints_the_catch_rate_and_honours_hidden_only(tmp_path):
    """Does `dlnlp check --notebook-only` run the visible checks alone (no grading), print the
    catch rate, accept a mutant marked `hidden-only`, and count the marks against the 10 %?"""
    course = _new_course(tmp_path / "course")
    root = str(course.root)
    green = dlnlp("check", A, "--notebook-only", "--root", root)
    assert green.exit_code == 0, green.output
    assert "✓ visible checks' catch rate: catch 10/10 mutants" in green.output
    assert "✓ visible checks on alternatives: pass on 3" in green.output
    assert "mutant softmax_" not in green.output  # nothing graded: no mutant verdicts
    correct = (
        '"""Correct after all.\n\ntarget: softmax\nhint: anything\n{extra}"""\nimport torch\n\n\n'
        "def softmax(x):\n    return torch.exp(x - torch.logsumexp(x, -1, keepdim=True))\n"
    )
    passes = course.mutants_dir(A) / "softmax_passes.py"
    passes.write_text(correct.format(extra=""))
    red = dlnlp("check", A, "--notebook-only", "--root", root)
    assert red.exit_code == 1 and "pass on mutant(s) softmax_passes" in red.output, red.output
    passes.write_text(correct.format(extra="hidden-only: banned API (torch.logsumexp)\n"))
    marked = dlnlp("check", A, "--notebook-only", "--root", root)
    assert marked.exit_code == 0, marked.output
    assert "catch 10/11 mutants (1 hidden-only: banned API (torch.logsumexp))" in marked.output
    assert too_many_hidden_only(course, A) is None  # a banned API does not count
    slow = correct.format(extra="hidden-only: a statistical check, too slow\n")
    passes.write_text(slow)
    assert too_many_hidden_only(course, A) is None  # 1 of 11: under 10 %
    (course.mutants_dir(A) / "softmax_passes_too.py").write_text(slow)
    assert "2 of 12 mutants are hidden-only" in (too_many_hidden_only(course, A) or "")


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


def test_new_leaves_nothing_behind_when_its_last_step_fails(tmp_path, monkeypatch):
    """When the release cannot be built (the last step), is every file removed again and the
    config restored byte for byte?"""
    course = _course(tmp_path / "course")
    text = course.config_path.read_text()
    before = sorted(course.root.rglob("*"))

    def fails(*args):
        raise NewError("nbgrader failed")

    monkeypatch.setattr(new_module, "build", fails)
    with pytest.raises(NewError, match="nbgrader failed"):
        new_assignment(course, A)
    assert course.config_path.read_text() == text
    assert sorted(course.root.rglob("*")) == before


def test_new_entry_lands_under_assignments_wherever_that_section_is(tmp_path):
    """With `limits:` after `assignments:`, does the entry still land (ruamel.yaml, not a regex),
    every other line and comment kept?"""
    text = COURSE.config_path.read_text()
    start, end = text.index("\nlimits:"), text.index("\ngradescope:")
    text = text[:start] + text[end:] + text[start:end] + "\n"  # limits: now comes last
    course = _course(tmp_path / "course")
    course.config_path.write_text(text)
    new_assignment(course, A)
    after = course.config_path.read_text()
    assert A in course.config().assignments
    assert [line for line in text.splitlines() if line not in after.splitlines()] == []


def test_new_function_and_rename_keep_check_green_and_the_configs_comments(tmp_path):
    """`dlnlp new ID --function gelu`, then `dlnlp rename ID softmax stable_softmax`: does
    `dlnlp check` still pass, and did the config change only in the lines of those two?"""
    course = _new_course(tmp_path / "course")
    before = course.config_path.read_text().splitlines()
    assert dlnlp("new", A, "--function", "gelu", "--root", str(course.root)).exit_code == 0
    result = dlnlp("rename", A, "softmax", "stable_softmax", "--root", str(course.root))
    assert result.exit_code == 0, result.output
    assert f"autograder/{A}/test_stable_softmax.py: " in result.output
    after = course.config_path.read_text().splitlines()
    gone = Counter(before) - Counter(after)  # lines that went (foundations has a softmax too)
    assert gone == Counter(["      softmax:"]), gone
    assert course.config().assignment(A).functions.keys() == {"stable_softmax", "gelu"}
    assert not course.hidden_test_file(A, "softmax").exists()
    nb = course.release_notebook(A).read_text()
    assert "check_stable_softmax" in nb and "check_gelu" in nb and '"check_softmax"' not in nb
    checked = dlnlp("check", A, "--root", str(course.root))
    assert checked.exit_code == 0, checked.output
    assert "✓ mutant gelu_negative_part" in checked.output
    assert "✓ mutant stable_softmax_wrong_dim" in checked.output


def test_rename_refuses_a_name_the_material_uses(tmp_path):
    """Renaming softmax to `torch` would merge two names: refused, with the file, and nothing
    changed."""
    course = _new_course(tmp_path / "course")
    before = {p: p.read_bytes() for p in course.root.rglob("*") if p.is_file()}
    result = dlnlp("rename", A, "softmax", "torch", "--root", str(course.root))
    assert result.exit_code == 1 and "uses the name 'torch' already" in result.output
    assert {p: p.read_bytes() for p in course.root.rglob("*") if p.is_file()} == before


def test_an_assignment_check_passes_passes_the_kits_suite(checked):
    """`dlnlp new` + `dlnlp check` green, then the kit's whole suite, run on that course, which
    holds only that assignment (every test parametrized by assignment selects it): green too?"""
    course, result = checked
    assert result.exit_code == 0, result.output
    env = {
        **os.environ,
        "DLNLP_TEST_COURSE": str(course.root),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", A, str(REPO / "tests")]
    suite = subprocess.run(
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert suite.returncode == 0, suite.stdout[-3000:]
    passed = int(suite.stdout.strip().splitlines()[-1].split(" passed")[0].split()[-1])
    assert passed >= 25, suite.stdout[-500:]  # 10 mutants, 3 alternatives, the release's...
