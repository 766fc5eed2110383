"""What a student meets when things go wrong: does a failing visible check say that Run All stops
there and how to go on? Does the lab's progress bar keep stderr clean, with tqdm and without? Does
a notebook opened away from its data/ folder say how to get it, and does the release ship that
data as a reproducible zip?"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import shutil
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

from conftest import COURSE, release
from dlnlp.build.data_zip import data_zip_name, write_data_zip
from dlnlp.build.splice import visible_checks_source
from dlnlp.course import material_files

# each assignment with a data/ folder -> the id of its first cell that reads it
FIRST_DATA_CELL = {
    "nlp_lab": "load-data",
    "transformers": "transfer-experiment",
    "generative": "gan-demo",
}


def _cell(assignment: str, cell_id: str) -> str:
    """The source of the release cell `cell_id`: what the student runs."""
    return next(c.source for c in release(assignment).cells if c.id == cell_id)


def _run_check(block: str) -> tuple[str, BaseException | None]:
    """Run `block` inside the release's visible_checks helper, in-process: (stdout, the error)."""
    namespace = _helper()
    namespace["block"] = compile(block, "<check cell>", "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec("with visible_checks('f'):\n    exec(block)", namespace)
        except Exception as error:  # the helper raises again after printing
            return out.getvalue(), error
    return out.getvalue(), None


@pytest.mark.parametrize(
    "block, reason",
    [
        ("assert 1 == 2, 'got 2'", "got 2"),
        ("raise NotImplementedError()", "not implemented yet"),
    ],
)
def test_a_failing_check_says_run_all_stops_there_and_how_to_go_on(block, reason):
    printed, error = _run_check(block)
    assert error is not None  # the cell still fails, so Run All stops
    first, second, *_ = printed.splitlines()
    assert first.startswith("✗ f: ") and reason in first, printed
    assert second.startswith("  Run All stops at this cell."), second
    assert "run its cell and this check again" in second
    assert "Run ▸ Run Selected Cell and All Below" in second  # JupyterLab
    assert "Runtime ▸ Run after" in second  # Colab


def _helper() -> dict:
    """The namespace the release's visible_checks cell leaves behind (its thread line silenced)."""
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(visible_checks_source(), "<visible_checks cell>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "files, cpus",
    [
        ({}, None),  # no cgroup files: the affinity alone
        ({"cpu.max": "max 100000\n"}, None),  # no quota
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 CPUs: 2 threads
        ({"cpu.max": "50000 100000\n"}, 1),
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ],
)
def test_torch_threads_follow_the_cpu_quota_not_the_hosts_cores(files, cpus, tmp_path):
    """On a JupyterHub with a CPU quota, does the setup give torch the CPUs the container may
    use (affinity, then cgroup v2 cpu.max or v1 cfs quota), not the host's core count?"""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    affinity = len(os.sched_getaffinity(0))
    expected = affinity if cpus is None else min(cpus, affinity)
    assert _helper()["usable_cpus"](str(tmp_path)) == expected


def test_the_setup_says_how_many_threads_torch_uses(monkeypatch):
    """Does the helper cell set torch's threads from the usable CPUs and say so, and leave an
    explicit OMP_NUM_THREADS alone?"""
    import torch

    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(visible_checks_source(), "<visible_checks cell>", "exec"), {})
        assert out.getvalue().startswith(f"torch uses {torch.get_num_threads()} thread(s): ")
        assert torch.get_num_threads() == _helper()["usable_cpus"]()
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        torch.set_num_threads(1)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(visible_checks_source(), "<visible_checks cell>", "exec"), {})
        assert out.getvalue() == "torch uses 1 thread(s) (OMP_NUM_THREADS)\n"
    finally:
        torch.set_num_threads(before)


def test_a_passing_check_says_nothing_about_run_all():
    printed, error = _run_check("assert True")
    assert error is None and printed == "✓ f: all visible checks passed\n"


@pytest.mark.parametrize("assignment", list(COURSE.config().assignments))
def test_instructions_say_that_a_failing_check_stops_run_all(assignment):
    intro = next(c.source for c in release(assignment).cells if c.id == "intro")
    assert "A failing check stops Run All at its cell" in intro
    assert "**Runtime ▸ Run after**" in intro


@pytest.mark.parametrize("assignment", list(COURSE.config().assignments))
def test_instructions_state_the_cpu_only_device_rule(assignment):
    """Does the introduction say that graded code runs on the CPU, before a habitual `.cuda()`
    fails at grading?"""
    intro = " ".join(next(c.source for c in release(assignment).cells if c.id == "intro").split())
    assert "**CPU only.**" in intro and "`.cuda()`" in intro, intro[:300]


@pytest.mark.parametrize("assignment", list(COURSE.config().assignments))
def test_the_first_cell_says_how_to_get_the_data_zip(assignment):
    """An assignment released with a data zip says so in its first cell, with how to unzip it
    and that Colab forgets it at each reset, not 40 cells down at the cell that needs it."""
    zipped = COURSE.release_notebook(assignment).parent / f"{assignment}_data.zip"
    intro = release(assignment).cells[0].source
    if not zipped.is_file():
        assert "_data.zip" not in intro
        return
    assert f"`{assignment}_data.zip`" in intro
    assert f'zipfile.ZipFile("{assignment}_data.zip").extractall()' in intro
    assert "Colab" in intro and "runtime reset" in intro


def _progress() -> tuple[list, str, str, list]:
    """Run the lab's progress() over 3 items in a fresh namespace made by the release's imports and
    helpers cells: (the items, stdout, stderr, warnings raised)."""
    namespace: dict = {}
    for cell_id in ("imports", "helpers"):
        exec(compile(_cell("nlp_lab", cell_id), f"<{cell_id} cell>", "exec"), namespace)
    out, err = io.StringIO(), io.StringIO()
    # progress() looks sys.stdout up when it runs, so the bar comes here
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            items = list(namespace["progress"](range(3), "epoch"))
    return items, out.getvalue(), err.getvalue(), caught


def test_progress_uses_the_plain_text_bar():
    """Does the helper import tqdm's plain bar, not tqdm.auto / tqdm.notebook (a widget that warns
    on stderr without ipywidgets and shows "model not found" when the notebook is reopened)?"""
    tree = ast.parse(_cell("nlp_lab", "helpers"))
    modules = [
        n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and "tqdm" in n.module
    ]
    assert modules == ["tqdm"], modules


def test_progress_with_tqdm_writes_a_bar_to_stdout_and_nothing_to_stderr():
    pytest.importorskip("tqdm")
    items, out, err, caught = _progress()
    assert items == [0, 1, 2]
    assert "epoch" in out and "3/3" in out, out
    assert err == "" and not caught, (err, [str(w.message) for w in caught])


def test_progress_without_tqdm_prints_plain_lines_and_nothing_to_stderr(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # `from tqdm import tqdm` -> ImportError
    items, out, err, caught = _progress()
    assert items == [0, 1, 2]
    assert [line.split(" done")[0] for line in out.splitlines()] == [
        "epoch 1/3",
        "epoch 2/3",
        "epoch 3/3",
    ]
    assert err == "" and not caught


def test_every_assignment_with_data_has_a_first_data_cell_here():
    with_data = {
        a
        for a in COURSE.config().assignments
        if (COURSE.source_notebook(a).parent / "data").is_dir()
    }
    assert with_data == set(FIRST_DATA_CELL)


@pytest.mark.parametrize("assignment, cell_id", FIRST_DATA_CELL.items())
def test_first_data_cell_says_how_to_get_the_data_back_on_colab(assignment, cell_id):
    """Colab forgets the unzipped data at each runtime reset: does the first data cell (or the
    text right above it) say, in a line, how to get it back?"""
    cells = release(assignment).cells
    at = next(i for i, c in enumerate(cells) if c.id == cell_id)
    near = cells[at].source + cells[at - 1].source
    line = next((ln for ln in near.splitlines() if "Colab" in ln), None)
    assert line and data_zip_name(assignment) in near, near[-400:]


@pytest.mark.parametrize("assignment, cell_id", FIRST_DATA_CELL.items())
def test_first_data_cell_away_from_data_says_to_fetch_and_unzip_it(
    assignment, cell_id, tmp_path, monkeypatch
):
    """Run in an empty working directory (Colab, a notebook downloaded alone), does the first data
    cell stop with a FileNotFoundError that names the zip and says to unzip it?"""
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(_cell(assignment, "imports"), "<imports cell>", "exec"), namespace)
    with pytest.raises(FileNotFoundError) as e:
        exec(compile(_cell(assignment, cell_id), f"<{cell_id} cell>", "exec"), namespace)
    message = str(e.value)
    zip_name = data_zip_name(assignment)
    assert "not found next to this notebook" in message
    assert f"working directory: {Path.cwd()}" in message
    assert f"Download {zip_name} from the release (it sits next to {assignment}.ipynb)" in message
    assert f"unzip it (`!unzip -o {zip_name}` in a cell), then run this cell again" in message
    assert "Files pane" in message  # where Colab takes an upload


@pytest.mark.parametrize("assignment, cell_id", FIRST_DATA_CELL.items())
def test_first_data_cell_check_passes_next_to_the_data(assignment, cell_id, monkeypatch):
    """Does the check (the cell's first statement) let the cell go on in the release folder?"""
    monkeypatch.chdir(COURSE.release_notebook(assignment).parent)
    namespace: dict = {}
    exec(compile(_cell(assignment, "imports"), "<imports cell>", "exec"), namespace)
    check = ast.parse(_cell(assignment, cell_id)).body[0]
    assert isinstance(check, ast.If)
    exec(compile(ast.Module([check], []), "<the data check>", "exec"), namespace)  # no raise


@pytest.mark.parametrize("assignment", FIRST_DATA_CELL)
def test_release_holds_the_data_zip_with_exactly_the_data_files(assignment):
    folder = COURSE.release_notebook(assignment).parent
    data = COURSE.source_notebook(assignment).parent / "data"
    files = {f"data/{p.relative_to(data).as_posix()}": p for p in material_files(data)}
    with zipfile.ZipFile(folder / data_zip_name(assignment)) as archive:
        assert archive.namelist() == sorted(files)
        for name, path in files.items():
            assert archive.read(name) == path.read_bytes() == (folder / name).read_bytes()


@pytest.mark.parametrize("assignment", FIRST_DATA_CELL)
def test_data_zip_is_byte_reproducible(assignment, tmp_path):
    """Is the committed zip what a fresh zip of a copy makes, whatever the copy's file times and
    modes (a checkout's umask, a clone's mtimes)?"""
    data = tmp_path / "data"
    shutil.copytree(COURSE.source_notebook(assignment).parent / "data", data)
    for i, path in enumerate(sorted(data.iterdir())):
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
        path.chmod(0o600 if i % 2 else 0o664)
    again = write_data_zip(data, tmp_path / "again.zip").read_bytes()
    committed = COURSE.release_notebook(assignment).parent / data_zip_name(assignment)
    assert again == committed.read_bytes()
    with zipfile.ZipFile(committed) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr >> 16 == 0o100644
