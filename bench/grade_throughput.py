"""Benchmark: a class at a time. `dlnlp grade --jobs J` vs `nbgrader autograde` vs the floor,
on the same N attention notebooks, measured in one run. Prints one table.

- Submissions are mixed: correct alternatives, catalogued mistakes, and a few that never
  finish (an infinite loop in causal_mask), as in a real class.
- nbgrader autograde runs the same notebooks' visible checks (its test cells), each notebook in a
  fresh kernel, with its cell timeout set to our per-call limit. `--nbgrader-sample K` times it
  on the first K notebooks only (same mix) and reports its throughput from those: nbgrader takes
  about 3 s a notebook, so 200 take ten minutes.
- The floor runs the same hidden tests in one process on the same code: each submission's code,
  as the grader extracts it from the notebook (beforehand, not timed), is executed into a module
  of its own and the tests call it directly, with no isolation at all (no sandbox, no notebook
  reading, no serialisation): what grading would cost if the tests and the students' functions
  were the only work. The submissions that never finish cannot run there: the floor of the mix
  with loops adds their call limit instead.
- Peak memory: every process of dlnlp's tree is sampled every 200 ms. "per worker" is the peak,
  over time, of (grader processes + sandbox workers + zygote, PSS) / jobs: the memory one
  parallel worker needs, to compare with Gradescope's default 768 MB container.

Run: .venv/bin/python bench/grade_throughput.py [--n 200] [--jobs 2] [--timeouts 2] [--nbgrader-sample 40]
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "examples"))

from make_examples import fill  # noqa: E402

from dlnlp.build.release import nbgrader, nbgrader_source  # noqa: E402
from dlnlp.course import Course  # noqa: E402
from dlnlp.grade.extract import extract  # noqa: E402

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


# --------------------------------------------------------------------------- memory sampling
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(d))
    return tree


def _descendants(root: int) -> list[int]:
    tree, out, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += tree.get(pid, [])
    return out


def _kb(pid: int, path: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak PSS of a process tree (sum over its processes) and the largest peak RSS of one."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.peak_pss_kb, self.peak_rss_kb = root, 0, 0
        self.running = True

    def run(self) -> None:
        while self.running:
            pids = _descendants(self.root)
            self.peak_pss_kb = max(
                self.peak_pss_kb, sum(_kb(p, "smaps_rollup", "Pss:") for p in pids)
            )
            self.peak_rss_kb = max([self.peak_rss_kb] + [_kb(p, "status", "VmHWM:") for p in pids])
            time.sleep(0.2)  # sampling costs CPU: more often would slow what it measures


def timed_process(cmd: list[str], sample: bool = False, **kw):
    """(wall seconds, CompletedProcess-like returncode/stderr, sampler or None)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    sampler = MemorySampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if sampler:
        sampler.running = False
        sampler.join()
    return wall, proc.returncode, out, err, sampler


def dlnlp_grade(folder: Path, out: Path, jobs: int, sample: bool = False):
    """`dlnlp grade attention FOLDER --out OUT --jobs J` as a process: (wall s, sampler)."""
    dlnlp = str(Path(sys.executable).parent / "dlnlp")
    cmd = [dlnlp, "grade", "attention", str(folder), "--out", str(out), "--jobs", str(jobs)]
    wall, rc, _, err, mem = timed_process(cmd, sample=sample, cwd=REPO)
    if rc:
        sys.exit(f"dlnlp grade failed:\n{err}")
    return wall, mem


def floor_code(notebooks: list[Path], folder: Path) -> Path:
    """Each notebook's code as the grader extracts it (the statements its worker would run),
    one module file per submission in `folder`: what the floor runs."""
    functions = list(Course(REPO).config().assignment("attention").functions)
    folder.mkdir(parents=True)
    for path in notebooks:
        kept = extract(nbformat.read(path, as_version=4), functions)
        body = [k.node for k in kept.kept]
        (folder / f"{path.stem}.py").write_text(ast.unparse(ast.Module(body, [])))
    return folder


def floor_process(code: Path, sample: bool = False):
    """The floor as its own process (python, import torch, collect, run the tests on each module
    of `code`): (wall seconds, memory sampler or None)."""
    cmd = [sys.executable, __file__, "--floor", str(code)]
    wall, rc, _, err, mem = timed_process(cmd, sample=sample, cwd=REPO)
    if rc:
        sys.exit(f"the floor failed:\n{err}")
    return wall, mem


def gradescope_single(notebook: Path, work: Path) -> float:
    """One submission as Gradescope runs it: run_autograder's grading step in the simulated
    layout (the autograder zip unpacked into ROOT/source, the notebook in ROOT/submission),
    from process start to ROOT/results/results.json written. Wall seconds."""
    import zipfile

    from dlnlp.gradescope.package import build_zip

    root = work / "gradescope-root"
    shutil.rmtree(root, ignore_errors=True)
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    with zipfile.ZipFile(build_zip(Course(REPO), "attention", work)) as zf:
        zf.extractall(root / "source")
    shutil.copy(notebook, root / "submission" / "attention.ipynb")
    cmd = [sys.executable, "-m", "dlnlp.gradescope.run", "--root", str(root)]
    wall, rc, _, err, _ = timed_process([*cmd, "--assignment", "attention"], cwd=work)
    if rc or not (root / "results" / "results.json").is_file():
        sys.exit(f"the Gradescope run failed:\n{err}")
    return wall


# --------------------------------------------------------------------------- the floor
class DirectStudent:
    """The `student` the hidden tests see, calling the reference in this process directly."""

    def __init__(self, module) -> None:
        self._m = module

    def __getattr__(self, name: str):
        return getattr(self._m, name)

    @property
    def keep(self):
        return self

    def seed(self, seed: int) -> None:
        import random

        import numpy
        import torch

        torch.manual_seed(seed)
        random.seed(seed)
        numpy.random.seed(seed)

    def grad(self, fn, *args, wrt, grad_output, output_index=None, **kwargs):
        import torch

        args = list(args)
        for i in wrt:
            args[i] = args[i].detach().clone().requires_grad_(True)
        out = getattr(self._m, fn)(*args, **kwargs)
        if output_index is not None:
            out = out[output_index]
        if not isinstance(out, torch.Tensor) or not out.requires_grad:
            return [None] * len(wrt)
        return list(
            torch.autograd.grad(
                out, [args[i] for i in wrt], grad_outputs=grad_output, allow_unused=True
            )
        )


def floor(code: Path) -> None:
    """Run the hidden tests on each module of `code`, in this process (`--floor DIR`)."""
    import types

    import torch

    from dlnlp.grade import hidden_tests

    torch.set_num_threads(1)
    test_dir = Course(REPO).hidden_tests("attention")
    hidden_tests.collect(test_dir)
    for path in sorted(code.glob("*.py")):
        module = types.ModuleType(path.stem)
        exec(compile(path.read_text(), str(path), "exec"), module.__dict__)
        outcomes = hidden_tests.run(test_dir, DirectStudent(module))
        # the tests ran to the end on this code: a correct one passes them all
        assert outcomes and (not path.stem.endswith("-correct") or all(o.passed for o in outcomes))


# --------------------------------------------------------------------------- the benchmark
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeouts", type=int, default=2, help="how many submissions never finish")
    parser.add_argument("--nbgrader-sample", type=int, default=None, help="time nbgrader on K only")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "throughput")
    parser.add_argument("--floor", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor is not None:
        return floor(args.floor)

    shutil.rmtree(args.out, ignore_errors=True)
    course = Course(REPO)
    limits = course.config().limits_for("attention")
    subs = submissions(args.n, args.timeouts)
    k = min(args.nbgrader_sample or args.n, args.n)
    if k < args.n:  # the same mix in the sample: its share of timeouts
        names = sorted(subs)
        picked = names[: k - round(k * args.timeouts / args.n)]
        picked += [s for s in names if "timeout" in s][: round(k * args.timeouts / args.n)]
    else:
        picked = sorted(subs)

    flat, nbg = args.out / "submissions", args.out / "nbgrader"
    (nbg / "source" / "attention").mkdir(parents=True)
    nbformat.write(
        nbgrader_source(course, "attention"), nbg / "source" / "attention" / "attention.ipynb"
    )
    flat.mkdir(parents=True)
    for student, nb in subs.items():
        nbformat.write(nb, flat / f"{student}.ipynb")
        if student in picked:
            (nbg / "submitted" / student / "attention").mkdir(parents=True)
            nbformat.write(nb, nbg / "submitted" / student / "attention" / "attention.ipynb")
    gen = nbgrader("generate_assignment", "attention", "--force", root=nbg)
    if gen.returncode:
        sys.exit(f"nbgrader generate_assignment failed:\n{gen.stderr}")

    # the loop-free mix (the same notebooks without the ones that never finish)
    free = args.out / "submissions-no-loops"
    free.mkdir()
    for nb in flat.glob("*.ipynb"):
        if "timeout" not in nb.name:
            shutil.copy(nb, free / nb.name)
    code = floor_code(sorted(free.glob("*.ipynb")), args.out / "floor-code")
    perfect = REPO / "examples" / "attention" / "perfect.ipynb"
    perfect_code = floor_code([perfect], args.out / "floor-code-perfect")

    t_dlnlp, mem = dlnlp_grade(flat, args.out / "dlnlp-out", args.jobs, sample=True)
    t_floor, floor_mem = floor_process(code, sample=True)
    t_free, _ = dlnlp_grade(free, args.out / "dlnlp-free", args.jobs)
    t_free1, _ = dlnlp_grade(free, args.out / "dlnlp-free-j1", 1)
    # one submission, end to end, as Gradescope runs it, against the bare run of the same tests
    t_single = gradescope_single(perfect, args.out)
    t_bare, _ = floor_process(perfect_code)
    start = time.perf_counter()
    auto = nbgrader(
        "autograde",
        "attention",
        "--force",
        f"--ExecutePreprocessor.timeout={int(limits.call_seconds)}",
        f"--Execute.timeout={int(limits.call_seconds)}",
        root=nbg,
    )
    t_nbg = time.perf_counter() - start
    graded = len(list((nbg / "autograded").glob("*/attention/attention.ipynb")))

    rate = {
        "dlnlp": 60 * args.n / t_dlnlp,
        "nbgrader": 60 * k / t_nbg,
        "floor": 60 * (args.n - args.timeouts) / t_floor,  # it runs those that finish
    }
    per_worker = mem.peak_pss_kb / 1024 / args.jobs
    print(
        f"{args.n} attention submissions ({args.timeouts} never finish; call limit "
        f"{limits.call_seconds:g} s), {os.cpu_count()} cores, dlnlp --jobs {args.jobs}"
        + (f"; nbgrader timed on {k} of them (same mix)" if k < args.n else "")
        + "\n"
    )
    head = f"{'grader':<22}{'wall s':>9}{'subs/min':>10}{'peak MB/worker':>16}{'throughput vs nbgrader':>24}{'time vs floor':>15}"
    print(head)
    print("-" * len(head))
    rows = [
        (f"dlnlp grade -j {args.jobs}", t_dlnlp, rate["dlnlp"], f"{per_worker:.0f}"),
        (
            "nbgrader autograde",
            t_nbg * args.n / k,
            rate["nbgrader"],
            "-",
        ),
        (
            f"floor (1 process, {args.n - args.timeouts})",
            t_floor,
            rate["floor"],
            f"{floor_mem.peak_pss_kb / 1024:.0f}",
        ),
    ]
    for name, wall, r, mb in rows:
        print(
            f"{name:<22}{wall:>9.1f}{r:>10.1f}{mb:>16}{r / rate['nbgrader']:>23.1f}x{wall / t_floor:>14.2f}x"
        )
    print(
        f"\ndlnlp: largest peak RSS of one process {mem.peak_rss_kb / 1024:.0f} MB; "
        f"peak PSS of its whole tree {mem.peak_pss_kb / 1024:.0f} MB"
    )
    if k < args.n:
        print(f"nbgrader: {t_nbg:.1f} s for {k} notebooks ({graded} graded), scaled to {args.n}")
    if auto.returncode:
        print(f"nbgrader autograde exit code {auto.returncode}: {auto.stderr[-500:]}")
    limit_floor = t_floor + args.timeouts * limits.call_seconds / args.jobs
    targets = [
        (
            "batch, loop-free mix",
            f"{t_free:.1f} s vs floor {t_floor:.1f} s",
            t_free / t_floor,
            "<= 1.3x",
        ),
        (
            "batch, with the loops",
            f"{t_dlnlp:.1f} s vs floor {limit_floor:.1f} s",
            t_dlnlp / limit_floor,
            "<= 1.5x",
        ),
        ("scaling -j 1 / -j J", f"{t_free1:.1f} s / {t_free:.1f} s", t_free1 / t_free, ">= 1.8x"),
        (
            "one submission (Gradescope)",
            f"{t_single:.1f} s vs bare {t_bare:.1f} s",
            t_single / t_bare,
            "<= 1.5x",
        ),
    ]
    print(f"\ntargets (issue 17), -j {args.jobs}:")
    print(f"{'':<30}{'measured':>34}{'ratio':>9}{'target':>26}")
    for name, measured, ratio, target in targets:
        print(f"{name:<30}{measured:>34}{ratio:>8.2f}x{target:>26}")


if __name__ == "__main__":
    main()
