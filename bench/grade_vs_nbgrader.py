"""Benchmark: `dlnlp grade` vs `nbgrader autograde` on the same N attention notebooks.

Submissions are mixed: correct alternatives, catalogued mistakes, and a few that never finish
(an infinite loop). nbgrader runs the notebooks' visible checks (its test cells) with its cell
timeout set to our per-call limit; dlnlp runs the hidden tests in its sandbox. Prints one table.

Run: .venv/bin/python bench/grade_vs_nbgrader.py --n 20      (or: make bench)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "examples"))

from make_examples import fill  # noqa: E402

from dlnlp.build.release import nbgrader, nbgrader_source  # noqa: E402
from dlnlp.course import Course  # noqa: E402

LOOP = "def causal_mask(L):\n    while True:\n        pass\n"


def submissions(n: int, timeouts: int) -> dict[str, nbformat.NotebookNode]:
    """n notebooks: `timeouts` of them never finish, the rest alternate correct and mistaken."""
    alternatives = sorted((REPO / "tests/alternatives/attention").glob("*.py"))
    mutants = sorted((REPO / "tests/mutants/attention").glob("*.py"))
    out = {}
    for i in range(n):
        base = alternatives[i % len(alternatives)].read_text()
        if i >= n - timeouts:
            out[f"s{i:03d}-timeout"] = fill(base, LOOP)
        elif i % 2:
            m = mutants[(i // 2) % len(mutants)]
            out[f"s{i:03d}-{m.stem}"] = fill(base, m.read_text())
        else:
            out[f"s{i:03d}-correct"] = fill(base)
    return out


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - start, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--timeouts", type=int, default=2, help="how many submissions never finish")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    course = Course(REPO)
    limits = course.config().limits_for("attention")
    subs = submissions(args.n, args.timeouts)

    flat = args.out / "submissions"
    nbg = args.out / "nbgrader"
    (nbg / "source" / "attention").mkdir(parents=True)
    nbformat.write(
        nbgrader_source(course, "attention"), nbg / "source" / "attention" / "attention.ipynb"
    )
    flat.mkdir(parents=True)
    for student, nb in subs.items():
        nbformat.write(nb, flat / f"{student}.ipynb")
        (nbg / "submitted" / student / "attention").mkdir(parents=True)
        nbformat.write(nb, nbg / "submitted" / student / "attention" / "attention.ipynb")
    gen = nbgrader("generate_assignment", "attention", "--force", root=nbg)
    if gen.returncode:
        sys.exit(f"nbgrader generate_assignment failed:\n{gen.stderr}")

    dlnlp = Path(sys.executable).parent / "dlnlp"
    t_dlnlp, p = timed(
        [str(dlnlp), "grade", "attention", str(flat), "--out", str(args.out / "dlnlp-out")],
        cwd=REPO,
    )
    if p.returncode:
        sys.exit(f"dlnlp grade failed:\n{p.stderr}")
    start = time.perf_counter()
    auto = nbgrader(
        "autograde",
        "attention",
        "--force",
        f"--ExecutePreprocessor.timeout={int(limits.call_seconds)}",
        "--Execute.timeout=" + str(int(limits.call_seconds)),
        root=nbg,
    )
    t_nbgrader = time.perf_counter() - start
    graded = len(list((nbg / "autograded").glob("*/attention/attention.ipynb")))

    rows = [("dlnlp grade", t_dlnlp, args.n), ("nbgrader autograde", t_nbgrader, graded)]
    print(
        f"{args.n} attention submissions ({sum('timeout' in s for s in subs)} never finish), 2-core machine\n"
    )
    print(
        f"{'grader':<20}{'wall s':>9}{'s/submission':>14}{'subs/min':>10}{'graded':>8}{'vs dlnlp':>10}"
    )
    for name, t, ok in rows:
        print(
            f"{name:<20}{t:>9.1f}{t / args.n:>14.2f}{60 * args.n / t:>10.1f}{ok:>8}{t / t_dlnlp:>9.1f}x"
        )
    if auto.returncode:
        print(f"\nnbgrader autograde exit code {auto.returncode}: {auto.stderr[-500:]}")


if __name__ == "__main__":
    main()
