"""A notebook's visible checks (the `check_<function>` cells), run in a plain `python` process.

Which cells run, for one function's check, as "Run all above" would in the student's kernel: the
setup (the code cells before the first graded cell: imports, the visible_checks helper, data
loading), every graded cell above the check cell (so a check that calls another function finds
it), then the check cell. The ungraded cells further down are the student's demos (training
runs, plots) and are skipped. Each function's check runs twice, on the reference and with the
function's cell as the release stub; `dlnlp check` and the suite also run it on each catalogued
mutant of the function (does the check catch it?) and each alternative defining it (does it
pass?). All runs share one process (one torch import, not one kernel start per run), started
in the background while the hidden tests grade.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from dlnlp.author.catalogue import Alternative, Mutant
from dlnlp.notebook import grade_id, is_solution, nbgrader_meta
from dlnlp.parsing import parse

RUN_SECONDS = 120  # one function's check, on one variant
RUNNER = Path(__file__).with_name("run_cells.py")


@dataclass(frozen=True)
class CellRun:
    ok: bool
    stdout: str = ""
    stderr: str = ""
    error: str = ""  # the traceback's last frames, or why it did not run


def check_cell_id(function: str) -> str:
    return f"check_{function}"


def _is_graded_code(cell) -> bool:
    return cell.cell_type == "code" and (
        is_solution(cell) or bool(nbgrader_meta(cell).get("grade"))
    )


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads), anywhere in it: an over-approximation that is
    enough to find which earlier cell defines what a check uses."""
    try:
        tree = parse(source)
    except SyntaxError:
        return set(), set()
    binds: set[str] = set()
    reads: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (binds if isinstance(node.ctx, ast.Store) else reads).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            binds.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            binds |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return binds, reads


def _needed(cells: list, always: set[int], at: int) -> list[int]:
    """Indexes of the cells above `at` that the cell `at` needs beyond `always`: the latest cell
    binding each name it reads and nothing else binds (e.g. a model an earlier check trained)."""
    bound = set(dir(builtins))
    for i in always:
        bound |= _names(cells[i].source)[0]
    todo, chosen = [at], set[int]()
    while todo:
        binds, reads = _names(cells[todo.pop()].source)
        missing = reads - binds - bound  # what it reads and neither it nor the rest binds
        for i in range(at - 1, -1, -1):
            if not missing:
                break
            if cells[i].cell_type != "code" or i in always | chosen:
                continue
            binds = _names(cells[i].source)[0]
            if binds & missing:
                chosen.add(i)
                todo.append(i)
                missing -= binds
                bound |= binds
    return sorted(chosen)


def _check_run(nb: nbformat.NotebookNode, fn: str, key: str, swap: dict[str, str]) -> dict | None:
    """The run of `fn`'s check cell in `nb` (None: it has none), with the graded cells whose
    grade_id is in `swap` replaced by its text."""
    cells = nb.cells
    first = next((i for i, c in enumerate(cells) if _is_graded_code(c)), len(cells))
    setup = {i for i, c in enumerate(cells[:first]) if c.cell_type == "code"}
    at = next((i for i, c in enumerate(cells) if grade_id(c) == check_cell_id(fn)), None)
    if at is None:
        return None
    graded = {i for i, c in enumerate(cells[:at]) if c.cell_type == "code" and is_solution(c)}
    chosen = sorted(setup | graded | set(_needed(cells, setup | graded, at))) + [at]
    sources = [
        swap.get(grade_id(cells[i]) or "", cells[i].source) if i in graded else cells[i].source
        for i in chosen
    ]
    labels = [cells[i].get("id", str(i)) for i in chosen]
    return {"key": key, "cells": list(zip(labels, sources, strict=True)), "seconds": RUN_SECONDS}


def plan(solved: nbformat.NotebookNode, stubs: dict[str, str], functions: list[str]) -> list[dict]:
    """The runs for each function that has a check cell: key "<function>/reference" and
    "<function>/stub", each a list of (cell label, source)."""
    runs = []
    for fn in functions:
        for variant, swap in (("reference", {}), ("stub", {fn: stubs.get(fn, "")})):
            if run := _check_run(solved, fn, f"{fn}/{variant}", swap):
                runs.append(run)
    return runs


def catalogue_plan(
    notebooks: dict[str, nbformat.NotebookNode],
    functions: list[str],
    mutants: Iterable[Mutant],
    alternatives: Iterable[Alternative],
) -> list[dict]:
    """The runs of the catalogue on `functions`' checks, on the batch's notebooks (student
    "mutant-<name>" and "alt-<name>"): each mutant on its target's check, key
    "<target>/mutant-<name>"; each alternative on the check of each function it defines, key
    "<function>/alt-<name>"."""
    runs = []
    for m in mutants:
        if m.target in functions:
            nb = notebooks[f"mutant-{m.name}"]
            if run := _check_run(nb, m.target, f"{m.target}/mutant-{m.name}", {}):
                runs.append(run)
    for a in alternatives:
        for fn in (fn for fn in functions if fn in a.defines):
            if run := _check_run(notebooks[f"alt-{a.name}"], fn, f"{fn}/alt-{a.name}", {}):
                runs.append(run)
    return runs


def caught(run: CellRun) -> bool:
    """Did the visible check fail on a mutant's notebook, as the student would see it (the check
    cell, or a graded cell above it that it runs, raising or overrunning)?"""
    return not run.ok


class VisibleChecks:
    """The runs of `plan`, in one background `python` process started at construction."""

    def __init__(self, runs: list[dict], cwd: Path) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="dlnlp-visible-")
        self._keys = [r["key"] for r in runs]
        self._out = Path(self._tmp.name) / "runs.jsonl"
        plan_path = Path(self._tmp.name) / "plan.json"
        plan_path.write_text(json.dumps(runs))
        env = {**os.environ, "OMP_NUM_THREADS": "1"}  # the hidden tests grade meanwhile
        self._deadline = time.monotonic() + 30 + sum(r["seconds"] for r in runs)
        self._log = open(Path(self._tmp.name) / "runner.log", "wb")
        self._proc = subprocess.Popen(
            [sys.executable, str(RUNNER), str(plan_path), str(self._out)],
            cwd=cwd,  # the notebook's folder: its data/ is where the notebook reads it
            stdout=self._log,  # a file, not a pipe: no buffer to fill while nobody reads
            stderr=subprocess.STDOUT,
            env=env,
        )

    def __enter__(self) -> VisibleChecks:
        return self

    def __exit__(self, *exc) -> None:
        """Stop the runner if it is still going (the batch failed) and remove its files."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._log.close()
        self._tmp.cleanup()

    def results(self) -> dict[str, CellRun]:
        """key -> how the run went; waits for the process (killing it past every run's time)."""
        try:
            self._proc.wait(timeout=max(1, self._deadline - time.monotonic()))
            output = Path(self._log.name).read_text(errors="replace")
            why = f"the runner exited with code {self._proc.returncode}: {output[-500:]}"
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
            why = "did not finish (stuck where no alarm can stop it), so the runner was killed"
        lines = self._out.read_text().splitlines() if self._out.exists() else []
        done = {
            d["key"]: CellRun(d["ok"], d["stdout"], d["stderr"], d["error"])
            for d in map(json.loads, lines)
        }
        return {key: done.get(key, CellRun(False, error=why)) for key in self._keys}
