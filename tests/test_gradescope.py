"""Does the generated Gradescope autograder grade as Gradescope runs it (as root, in its layout),
with student code unable to read the hidden tests or forge the result?"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import COURSE, release, solved, with_code
from dlnlp.gradescope.package import build_zip
from dlnlp.render.gradescope import schema_errors
from dlnlp.results import add, points


@pytest.fixture(scope="module")
def zipped(tmp_path_factory) -> Path:
    return build_zip(COURSE, "attention", tmp_path_factory.mktemp("dist"))


def layout(root: Path, zip_path: Path, files: dict[str, bytes | nbformat.NotebookNode]) -> Path:
    """Gradescope's container layout under `root`: source/ (the zip), submission/, results/."""
    zipfile.ZipFile(zip_path).extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / script, 0o755)  # zipfile drops modes; Gradescope keeps them
    (root / "submission").mkdir()
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else nbformat.write(content, path)
    return root


def run_autograder(root: Path, **env) -> dict:
    """Run run_autograder as Gradescope does (as root, cwd source/), with the kit from the zip."""
    env = {
        "DLNLP_AUTOGRADER_ROOT": str(root),
        "DLNLP_PYTHON": sys.executable,
        "PYTHONPATH": str(root / "source" / "kit"),
        **env,
    }
    proc = subprocess.run(
        [str(root / "source" / "run_autograder")],
        cwd=root / "source",
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert not schema_errors(data), schema_errors(data)
    return data


def _by_function(data: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in data["tests"]:
        fn = t["name"].split(": ", 1)[0]
        out[fn] = out.get(fn, 0) + t["score"]
    return out


def test_zip_has_gradescope_layout_and_is_reproducible(zipped, tmp_path):
    names = zipfile.ZipFile(zipped).namelist()
    assert {"setup.sh", "run_autograder", "kit/pyproject.toml", "course/grader_config.yaml"} <= set(
        names
    )
    assert any(n.startswith("course/autograder/attention/test_") for n in names)
    assert not any(n.startswith("solutions") or "__pycache__" in n for n in names)
    assert build_zip(COURSE, "attention", tmp_path).read_bytes() == zipped.read_bytes()


def test_reference_scores_full_marks_with_visibility(zipped, tmp_path):
    data = run_autograder(layout(tmp_path, zipped, {"attention.ipynb": solved("attention")}))
    assert data["score"] == pytest.approx(10) and data["visibility"] == "visible"
    vis = {t["name"]: t["visibility"] for t in data["tests"]}
    assert (
        vis[
            "scaled_dot_product_attention: gradients flow back to q, k and v as through torch's attention"
        ]
        == "after_due_date"
    )
    assert set(vis.values()) == {"visible", "after_due_date"}
    # one check is held back until the due date: no total yet, the visible checks' points
    shown = points(add(t["max_score"] for t in data["tests"] if t["visibility"] == "visible"))
    assert data["output"].startswith(f"attention: {shown} / {shown} points from the checks shown")
    assert data["stdout_visibility"] == "hidden"


def test_lab_zip_carries_its_training_data_and_grades_the_reference(tmp_path):
    """The lab's hidden tests train on the released splits and score on the hidden ones: both
    must travel in the zip (the notebooks must not), and grade as in the repository."""
    zip_path = build_zip(COURSE, "nlp_lab", tmp_path / "dist")
    names = set(zipfile.ZipFile(zip_path).namelist())
    assert {
        "course/assignments/nlp_lab/data/reviews_train.tsv",
        "course/assignments/nlp_lab/data/corpus_train.txt",
        "course/autograder/nlp_lab/data/reviews_test.tsv",
        "course/autograder/nlp_lab/data/corpus_test.txt",
    } <= names
    assert not any(n.endswith(".ipynb") for n in names)
    data = run_autograder(layout(tmp_path / "gs", zip_path, {"lab.ipynb": solved("nlp_lab")}))
    assert data["score"] == pytest.approx(COURSE.config().assignment("nlp_lab").max_score), [
        (t["name"], t["output"]) for t in data["tests"] if t["score"] < t["max_score"]
    ]


def test_stub_scores_zero(zipped, tmp_path):
    data = run_autograder(layout(tmp_path, zipped, {"attention.ipynb": release("attention")}))
    assert data["score"] == 0 and "not implemented yet" in data["output"]


def test_renamed_notebook_among_extra_files_is_graded(zipped, tmp_path):
    partial = with_code(
        "attention", (COURSE.root / "tests/mutants/attention/sdpa_no_scaling.py").read_text()
    )
    files = {
        "hw/My Attention (1).ipynb": partial,
        "notes.txt": b"hi",
        "scratch.ipynb": nbformat.v4.new_notebook(),
    }
    data = run_autograder(layout(tmp_path, zipped, files))
    scores = _by_function(data)
    assert scores["scaled_dot_product_attention"] < 4 and scores["causal_mask"] == pytest.approx(1)
    assert "Graded My Attention (1).ipynb" in data["output"] and "scratch.ipynb" in data["output"]
    assert any("not scaled" in t["output"] for t in data["tests"])


def test_cheating_cannot_read_source_or_forge_results(zipped, tmp_path):
    """Student code tries to read /autograder/source and to write results.json itself."""
    root = tmp_path
    cheat = f"""
import glob
import json
import re
import torch

def causal_mask(L):
    leaked = ""
    for path in glob.glob("{root}/source/**/*.py", recursive=True) + glob.glob("{root}/source/course/*"):
        try:
            leaked += open(path).read()
        except OSError:
            pass
    for path in ["{root}/results/results.json", "results.json"]:
        try:
            with open(path, "w") as f:
                json.dump({{"score": 100, "tests": []}}, f)
        except OSError:
            pass
    if "def test_" in leaked:
        return torch.ones(L, L, dtype=torch.bool).tril()
    return None
"""
    data = run_autograder(layout(root, zipped, {"attention.ipynb": with_code("attention", cheat)}))
    scores = _by_function(data)
    assert scores["causal_mask"] == 0 and data["score"] == pytest.approx(9)
    assert data["tests"], "results.json was forged"


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "No .ipynb notebook was found"),
        ({"attention.ipynb": b'{"cells": [', "x.py": b"1"}, "not a Jupyter notebook"),
    ],
    ids=["missing", "corrupt"],
)
def test_missing_or_corrupt_submission_gets_a_valid_result(zipped, tmp_path, files, message):
    data = run_autograder(layout(tmp_path, zipped, files))
    assert data["score"] == 0 and message in data["output"] and data["tests"]


def test_a_crashing_grader_still_leaves_a_valid_result(zipped, tmp_path):
    data = run_autograder(
        layout(tmp_path, zipped, {"attention.ipynb": solved("attention")}),
        DLNLP_PYTHON="/bin/false",
    )
    assert data["score"] == 0 and "tell your instructor" in data["output"]


@pytest.mark.skipif(
    os.geteuid() != 0, reason="setup.sh runs as root on Gradescope (useradd, chmod)"
)
def test_setup_script_installs_the_kit_and_the_result_grades(zipped, tmp_path):
    """setup.sh, run as far as this machine allows (pip from the local package index instead of the
    CPU wheel index), builds a venv that run_autograder then grades with, with no help from ours."""
    root = layout(tmp_path, zipped, {"attention.ipynb": solved("attention")})
    env = {
        **os.environ,
        "DLNLP_AUTOGRADER_ROOT": str(root),
        "DLNLP_PIP_OPTIONS": "--disable-pip-version-check",
    }
    env.pop("PYTHONPATH", None)
    setup = subprocess.run(
        ["bash", "./setup.sh"],
        cwd=root / "source",
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    assert "torch 2.13.0" in setup.stdout
    assert (root / "source" / "course").stat().st_mode & 0o077 == 0  # the hidden tests: root only
    try:
        proc = subprocess.run(
            [str(root / "source" / "run_autograder")],
            cwd=root / "source",
            env={k: v for k, v in env.items() if k != "DLNLP_PIP_OPTIONS"},
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        shutil.rmtree(root / "dlnlp-venv", ignore_errors=True)  # 1 GB; pytest keeps old tmp folders
    assert proc.returncode == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert not schema_errors(data) and data["score"] == pytest.approx(10), data["output"]


def test_dlnlp_gradescope_says_what_students_see_and_when(tmp_path):
    """The default is Gradescope's own (`visible`); `dlnlp gradescope` says which checks a
    student sees on submission and which one attention holds back until the due date."""
    from click.testing import CliRunner

    from dlnlp.cli import main

    assert COURSE.config().gradescope.visibility == "visible"
    run = CliRunner().invoke(main, ["gradescope", "attention", "--out", str(tmp_path)])
    assert run.exit_code == 0, run.output
    assert re.search(r"students see 16 of 17 checks as soon as they submit \[visible\]", run.output)
    assert "1 of 17 checks after the due date [after_due_date] (test_gradients_flow_to_q_k_v)" in (
        run.output
    )
    assert "the total is shown once every check is" in run.output
