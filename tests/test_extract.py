"""Is only the loadable code of a notebook taken, and is each graded function found?"""

from __future__ import annotations

from pathlib import Path

import nbformat

from dlnlp.grade.extract import extract
from dlnlp.grade.static_check import banned_uses


def _nb(*cells: tuple[str, str | None]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for source, grade_id in cells:
        cell = nbformat.v4.new_code_cell(source)
        if grade_id:
            cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True}
        nb.cells.append(cell)
    return nb


def _kept(cell) -> list[str]:
    import ast

    body = ast.parse(cell.source).body
    return [type(body[i]).__name__ for i in cell.keep]


def test_only_imports_defs_and_constants_are_kept():
    nb = _nb(
        (
            "import torch\nD = 4\nX = torch.zeros(3)\nfor i in range(3):\n    print(i)\ndef f():\n    return D\nclass C:\n    pass\ninput()\n",
            "f",
        )
    )
    ex = extract(nb, ["f"])
    assert _kept(ex.cells[0]) == ["Import", "Assign", "FunctionDef", "ClassDef"]


def test_magics_do_not_break_a_cell():
    ex = extract(
        _nb(("%matplotlib inline\n!pip install torch\ndef f():\n    return 1\n", "f")), ["f"]
    )
    assert ex.found_by == {"f": "grade_id"} and not ex.problems


def test_graded_cell_wins_over_a_later_redefinition():
    ex = extract(_nb(("def f():\n    return 1\n", "f"), ("def f():\n    return 2\n", None)), ["f"])
    assert ex.cells[-1].filename == "<cell 1>"  # loaded last, so it is the f that counts


def test_function_is_found_by_name_when_metadata_is_lost():
    ex = extract(_nb(("def g():\n    pass\n", None), ("def f():\n    return 1\n", None)), ["f"])
    assert ex.found_by == {"f": "name"}


def test_missing_and_renamed_functions_are_explained():
    ex = extract(_nb(("def f_old():\n    return 1\n", "f")), ["f", "g"])
    assert "no longer defines f" in ex.missing["f"] and "not defined" in ex.missing["g"]


def test_syntax_error_names_the_cell_and_the_function():
    ex = extract(_nb(("import torch\n", None), ("def f(:\n", "f")), ["f"])
    assert "cell 2" in ex.problems[0] and "syntax error" in ex.missing["f"]


def test_static_check_sees_aliases_and_getattr_strings():
    banned = ["torch.nn.functional.scaled_dot_product_attention"]
    ex = extract(
        _nb(
            (
                "from torch.nn.functional import scaled_dot_product_attention as sdpa\n"
                "def a(q):\n    return sdpa(q, q, q)\n"
                "def b(q):\n    import torch.nn.functional as F\n    return getattr(F, 'scaled_dot_product_attention')(q, q, q)\n"
                "def c(q):\n    '''Unlike scaled_dot_product_attention in torch, mine is my own.'''\n    return q\n",
                None,
            )
        ),
        ["a", "b", "c"],
    )
    assert banned_uses(ex, "a", banned) == banned
    assert banned_uses(ex, "b", banned) == banned
    assert banned_uses(ex, "c", banned) == []


def test_own_function_with_a_banned_name_is_not_flagged():
    banned = ["torch.nn.functional.scaled_dot_product_attention"]
    ex = extract(
        _nb(
            ("def scaled_dot_product_attention(q):\n    return q\n", None),
            ("def mha(q):\n    return scaled_dot_product_attention(q)\n", None),
        ),
        ["scaled_dot_product_attention", "mha"],
    )
    assert banned_uses(ex, "mha", banned) == []


def test_static_check_resolves_modules_methods_and_imports():
    """Are module bans, tensor-method bans and import aliases all resolved?"""
    banned = [
        "torch.autograd",
        "torch.Tensor.sigmoid",
        "torch.nn.functional.sigmoid",
        "torch.sigmoid",
    ]
    ex = extract(
        _nb(
            (
                "import torch\nimport torch.nn.functional as F\nfrom torch import autograd as ag\n"
                "def a(z):\n    return F.sigmoid(z)\n"
                "def b(z):\n    return z.sigmoid()\n"
                "def c(z, w):\n    return ag.grad(z.sum(), w)\n"
                "def d(z):\n    return torch.autograd.functional.jacobian(lambda t: t, z)\n"
                "def e(z):\n    return 1 / (1 + torch.exp(-z))\n"
                "def f(z):\n    with torch.no_grad():\n        return torch.tanh(z)\n",
                None,
            )
        ),
        list("abcdef"),
    )
    assert banned_uses(ex, "a", banned) == ["torch.nn.functional.sigmoid"]
    assert banned_uses(ex, "b", banned) == ["torch.Tensor.sigmoid"]
    assert banned_uses(ex, "c", banned) == ["torch.autograd"]
    assert banned_uses(ex, "d", banned) == ["torch.autograd"]
    assert banned_uses(ex, "e", banned) == [] and banned_uses(ex, "f", banned) == []


def test_student_ids_cannot_climb_out_of_the_output_folder(tmp_path):
    """A submission file called '...ipynb' must not make its results land in the parent folder."""
    from dlnlp.grade.collect import collect

    for name in ("...ipynb", ".hidden.ipynb", "ok.ipynb"):
        (tmp_path / name).write_text("{}")
    ids = {
        s.student
        for s in collect(
            [tmp_path / "...ipynb", tmp_path / ".hidden.ipynb", tmp_path / "ok.ipynb"], "a"
        )
    }
    # ".." and ".hidden" get ids of their own (tests/test_hardening_outputs.py): no dot-name
    assert "ok" in ids and len(ids) == 3 and not any(i.startswith(".") for i in ids)


def test_metadata_of_any_shape_reads_as_none():
    """Does a student's broken metadata (a list, a string, a number where a dict belongs) read
    as "no nbgrader metadata" in every lookup, instead of raising?"""
    from dlnlp import notebook

    broken = [
        {"metadata": ["x"]},
        {"metadata": {"nbgrader": "solution"}},
        {"metadata": {"nbgrader": {"grade_id": ["f"], "solution": True}}},
        {"metadata": None, "source": 3},
        "not a cell",
    ]
    for cell in broken:
        assert notebook.grade_id(cell) is None
        assert notebook.source(cell) == ""
        assert not notebook.is_kit_cell(cell)
    assert notebook.by_grade_id(broken) == {}
    good = {"metadata": {"nbgrader": {"grade_id": "f", "solution": True}}, "source": ["a\n", "b"]}
    assert notebook.by_grade_id([*broken, good]) == {"f": good}
    assert notebook.is_solution(good) and notebook.source(good) == "a\nb"


def test_broken_metadata_costs_only_the_grade_id():
    """Is a graded function whose cell's metadata the student broke still found, by name?"""
    nb = _nb(("def f():\n    return 1\n", None))
    nb.cells[0].metadata = ["broken"]
    ex = extract(nb, ["f"])
    assert ex.found_by == {"f": "name"} and not ex.missing


def _write(path: Path, nb: nbformat.NotebookNode | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(nb) if isinstance(nb, bytes) else nbformat.write(nb, path)


def test_picker_takes_the_notebook_with_the_graded_cells_and_says_so(tmp_path):
    """In a student's nbgrader folder without attention.ipynb, is the notebook holding the graded
    cells chosen over a scratch notebook and a hidden checkpoint, with notes saying what was
    graded, and does the expected name win whatever the others hold?"""
    from dlnlp.grade.collect import collect, pick_notebook

    folder = tmp_path / "submitted" / "alice" / "attention"
    _write(folder / "a scratch.ipynb", nbformat.v4.new_notebook())
    _write(folder / "hw" / "My Attention (1).ipynb", _nb(("def f(): pass", "f")))
    _write(folder / ".ipynb_checkpoints" / "x.ipynb", _nb(("", "f"), ("", "g")))
    _write(folder / "broken.ipynb", b'{"cells": [')
    (sub,) = collect([tmp_path], "attention", ["f"])
    assert sub.path == folder / "hw" / "My Attention (1).ipynb"
    assert sub.notes == (
        "Graded My Attention (1).ipynb (expected the name attention.ipynb).",
        "Also submitted, not graded: a scratch.ipynb, broken.ipynb.",
    )
    _write(folder / "attention.ipynb", nbformat.v4.new_notebook())
    assert pick_notebook(folder, "attention", ["f"])[0] == folder / "attention.ipynb"
    assert pick_notebook(tmp_path / "nothing", "attention")[0] is None


def test_material_files_skip_hidden_paths_and_caches(tmp_path):
    """Is one filter applied to every listing: no hidden path, no Python cache, at any depth?"""
    from dlnlp.course import material_files

    for name in (
        "a.py",
        "data/x.csv",
        ".DS_Store",
        ".git/config",
        "data/.ipynb_checkpoints/x",
        "__pycache__/a.cpython-311.pyc",
        "b.pyc",
        "sub/__pycache__/c.pyc",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("1")
    listed = [p.relative_to(tmp_path).as_posix() for p in material_files(tmp_path)]
    assert listed == ["a.py", "data/x.csv"]
    hidden_parent = tmp_path / ".cache" / "course"  # a course under a hidden folder still lists
    (hidden_parent / "t.py").parent.mkdir(parents=True)
    (hidden_parent / "t.py").write_text("1")
    assert material_files(hidden_parent) == [hidden_parent / "t.py"]
