"""Does the catalogue's static reading of which tests can run a change (dlnlp.author.reach) hold:
do the hidden tests call no student name it missed, and does a change it cannot bound count as
reaching everything?"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
import pytest

from conftest import COURSE, with_code
from dlnlp.author.reach import Reach, mentioned_by_tests, training_loops

SLOW = {a: sorted(training_loops(COURSE, a)) for a in COURSE.config().assignments}


@pytest.mark.parametrize("assignment", [a for a, slow in SLOW.items() if slow])
def test_the_training_tests_call_no_student_name_the_reading_missed(assignment, monkeypatch):
    """Grading the reference's training functions here, is every name their tests ask the
    worker to call one the static reading found in them?"""
    from dlnlp.grade import session
    from dlnlp.grade.batch import Options, grade_batch

    called: dict[str, set[str]] = {}
    current = [""]
    begin, request = session.Session.begin_function, session.Session._request

    def begin_function(self, fn):
        current[0] = fn
        called.setdefault(fn, set())
        return begin(self, fn)

    def _request(self, fn, msg, generation=None):
        called[current[0]].add(fn)
        return request(self, fn, msg, generation)

    monkeypatch.setattr(session.Session, "begin_function", begin_function)
    monkeypatch.setattr(session.Session, "_request", _request)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in").mkdir()
        nbformat.write(with_code(assignment, ""), Path(tmp) / "in" / "reference.ipynb")
        options = Options(jobs=1, only=SLOW[assignment])  # in this process: the patch applies
        [r] = grade_batch(COURSE, assignment, [Path(tmp) / "in"], Path(tmp) / "out", options)
    assert r.score == r.max_score
    assert set(called) == set(SLOW[assignment])
    for fn, names in called.items():
        missed = names - mentioned_by_tests(COURSE.hidden_tests(assignment), fn) - {fn}
        assert not missed, f"{fn}'s tests call {missed}, which the static reading missed"


def _notebook(*cells: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


REFERENCE = (
    "import torch\n\ndef helper(x):\n    return x * 2\n",
    "import torch\n\ndef f(x):\n    return helper(x) + 1\n",
    "import torch\n\ndef g(x):\n    return x - 1\n",
)


@pytest.fixture
def tests_dir(tmp_path):
    """A hidden-test package: f's tests reach `g` through a helper module's string, and a
    same-named helper in a module they do not import mentions `helper`."""
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "steps.py").write_text("def run(student):\n    return getattr(student, 'g')(1)\n")
    (tmp_path / "other.py").write_text("def run(student):\n    return student.helper(1)\n")
    (tmp_path / "test_f.py").write_text(
        "from . import steps\n\ndef test_f(student):\n    assert steps.run(student)\n"
    )
    (tmp_path / "test_g.py").write_text("def test_g(student):\n    assert student.g(1) == 0\n")
    return tmp_path


def _reach(tests_dir: Path) -> Reach:
    return Reach.of(_notebook(*REFERENCE), ["f", "g"], tests_dir)


def test_a_helper_module_and_the_notebooks_helpers_are_followed(tests_dir):
    """Does f's reach include g (named as a string in a helper module f's tests import) and the
    notebook's `helper` (which f calls), but not what a module they never import names?"""
    assert {"g", "steps", "run"} <= mentioned_by_tests(tests_dir, "f")
    assert "helper" not in mentioned_by_tests(tests_dir, "f")
    where = _reach(tests_dir)
    changed_helper = where.changes(_notebook(REFERENCE[0].replace("* 2", "* 3"), *REFERENCE[1:]))
    assert changed_helper == {"helper"}
    assert where.reaches("f", changed_helper) and not where.reaches("g", changed_helper)


def test_a_preamble_repeated_in_every_cell_changes_only_what_it_binds_otherwise(tests_dir):
    """An entry whose cells each start with the same imports changes only its own function."""
    where = _reach(tests_dir)
    g2 = "import torch\nfrom torch import nn\n\ndef g(x):\n    return x + (-1)\n"
    assert where.changes(_notebook(*REFERENCE[:2], g2)) == {"g", "nn"}
    assert where.reaches("f", {"g"})  # f's tests call g, by name, through steps.run
    assert not where.reaches("g", {"nn"}) and not where.reaches("g", {"f"})


@pytest.mark.parametrize(
    "cell",
    [
        "def g(x, noise=torch.randn(1)):\n    return x - 1\n",  # a default that calls
        "@torch.no_grad()\ndef g(x):\n    return x - 1\n",  # a decorator
        "class G:\n    scale = torch.ones(1)\n\ndef g(x):\n    return x - 1\n",  # a class body
    ],
)
def test_a_change_that_runs_code_on_loading_reaches_every_function(tests_dir, cell):
    """A changed statement that does more than bind names when loaded could change any
    function's state: is it read as reaching every function?"""
    where = _reach(tests_dir)
    changed = where.changes(_notebook(*REFERENCE[:2], "import torch\n\n" + cell))
    assert changed is None
    assert where.reaches("f", changed) and where.reaches("g", changed)


@pytest.mark.parametrize(
    "statement", ["torch.manual_seed(1)", "SEED = torch.manual_seed(1)", "import os"]
)
def test_a_statement_the_grader_never_loads_changes_nothing(tests_dir, statement):
    """Top-level calls are never loaded, and the code policy unloads `import os`: does the
    reading, like the grader, leave them out?"""
    where = _reach(tests_dir)
    cell = f"import torch\n{statement}\n\ndef g(x):\n    return x - 1\n"
    assert where.changes(_notebook(*REFERENCE[:2], cell)) == set()


def test_dlnlp_check_grades_each_entry_on_the_training_loops_its_change_reaches():
    """`dlnlp check generative`: is a conv1d mutant graded without the training loops, the
    diffusion alternative on train_ddpm and sample_ddpm but not train_gan, and the reference on
    every function?"""
    from dlnlp.author import catalogue
    from dlnlp.author.check import _graded_for

    a = "generative"
    functions = list(COURSE.config().assignment(a).functions)
    ms = [m for m in catalogue.mutants(COURSE, a) if m.name == "conv1d_flipped_kernel"]
    [alt] = [x for x in catalogue.alternatives(COURSE, a) if x.name == "diffusion_float64"]
    notebooks = {
        "reference": with_code(a, ""),
        "stub": with_code(a, ""),
        "mutant-conv1d_flipped_kernel": with_code(a, ms[0].path.read_text()),
        "alt-diffusion_float64": with_code(a, alt.path.read_text()),
    }
    graded = _graded_for(COURSE, a, functions, notebooks, ms, whole=True)
    assert not set(graded["mutant-conv1d_flipped_kernel"]) & set(SLOW[a])
    assert {"conv1d", *ms[0].unaffected} - set(SLOW[a]) <= set(
        graded["mutant-conv1d_flipped_kernel"]
    )
    assert set(functions) - set(graded["alt-diffusion_float64"]) == {"train_gan"}
    assert graded["reference"] == functions
