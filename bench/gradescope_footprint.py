"""Peak memory and CPU of grading one submission in the simulated Gradescope layout.

Builds the autograder zip, unpacks it into a temporary $ROOT, runs run_autograder on one notebook
(as Gradescope does), and samples the proportional set size (PSS: shared pages split between the
processes sharing them) of the whole process tree every 20 ms. Gradescope's default container has
768 MB and about half a vCPU.

Run: .venv/bin/python bench/gradescope_footprint.py [ASSIGNMENT] [NOTEBOOK]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dlnlp.course import Course  # noqa: E402
from dlnlp.gradescope.package import build_zip  # noqa: E402


def _tree(pid: int) -> list[int]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    assignment = sys.argv[1] if len(sys.argv) > 1 else "attention"
    notebook = (
        Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "examples" / assignment / "perfect.ipynb"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        zipfile.ZipFile(build_zip(Course(REPO), assignment, root / "dist")).extractall(
            root / "source"
        )
        (root / "submission").mkdir()
        (root / "submission" / notebook.name).write_bytes(notebook.read_bytes())
        os.chmod(root / "source" / "run_autograder", 0o755)
        env = {
            **os.environ,
            "DLNLP_AUTOGRADER_ROOT": str(root),
            "DLNLP_PYTHON": sys.executable,
            "PYTHONPATH": str(root / "source" / "kit"),
        }
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(root / "source" / "run_autograder")], cwd=root / "source", env=env
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, sum(_pss_kb(p) for p in _tree(proc.pid)))
            time.sleep(0.02)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        score = (root / "results" / "results.json").read_text()[:60].replace("\n", " ")
    print(
        f"{assignment} {notebook.name}: peak PSS of the process tree {peak / 1024:.0f} MB, "
        f"CPU {cpu:.1f} s, wall {wall:.1f} s; results.json starts {score!r}"
    )


if __name__ == "__main__":
    main()
