"""Does the `generative` notebook give the kit's own copies of its models and reader, and are its
data what the generator writes, with the held-out moons never released?

The trusted side samples from a student's trained parameters with autograder/generative/given.py,
so the notebook's given cells must define the same models; the data come from
autograder/generative/data/make_data.py (see the DATASHEET.md released beside them)."""

from __future__ import annotations

import ast
import importlib.util
import zipfile

import nbformat

from conftest import COURSE
from dlnlp import notebook

HIDDEN = COURSE.hidden_tests("generative")
PUBLIC = COURSE.source_notebook("generative").parent / "data"
RELEASE = COURSE.release_notebook("generative").parent


def _definitions(source: str) -> dict[str, str]:
    return {
        node.name: ast.dump(node)
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


def test_notebook_gives_the_kit_copy_of_its_models_and_reader():
    """Are MLP, sgd_over, Denoiser and GaussianDenoiser the trusted copies, in cells grading loads,
    and load_points (file access, which the code policy refuses) in a read-only kit cell?"""
    kit = _definitions((HIDDEN / "given.py").read_text())
    nb = nbformat.read(COURSE.source_notebook("generative"), as_version=4)
    given: dict[str, tuple[str, bool]] = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not notebook.is_solution(cell):
            for name, dump in _definitions(cell.source).items():
                given.setdefault(name, (dump, notebook.is_kit_cell(cell)))
    for name, dump in kit.items():
        assert name in given, f"the notebook does not give {name}"
        assert given[name][0] == dump, f"the notebook's {name} differs from given.py's"
    assert [n for n in kit if given[n][1]] == ["load_points"]


def test_data_are_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_data", HIDDEN / "data" / "make_data.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(public=tmp_path / "public", hidden=tmp_path / "hidden")
    for name in ("mixture.txt", "moons.txt"):
        assert (tmp_path / "public" / name).read_bytes() == (PUBLIC / name).read_bytes(), name
    held = (tmp_path / "hidden" / "moons_heldout.txt").read_bytes()
    assert held == (HIDDEN / "data" / "moons_heldout.txt").read_bytes()


def test_mixture_has_three_modes_of_a_third_each():
    values = [float(v) for v in (PUBLIC / "mixture.txt").read_text().split()]
    assert len(values) == 2000
    for mode in (-4.0, 0.0, 4.0):
        share = sum(abs(v - mode) < 1.2 for v in values) / len(values)
        assert abs(share - 1 / 3) < 0.04, (mode, share)


def test_held_out_moons_are_not_released():
    released = {p.name for p in (RELEASE / "data").iterdir()}
    assert released == {"DATASHEET.md", "mixture.txt", "moons.txt"}
    with zipfile.ZipFile(RELEASE / "generative_data.zip") as archive:
        assert sorted(archive.namelist()) == [
            "data/DATASHEET.md",
            "data/mixture.txt",
            "data/moons.txt",
        ]
