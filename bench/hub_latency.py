"""Benchmark: a student's cell latency on a shared hub machine while a class grades.

On the hub, grading runs as the course's user under `nice -n 10` (the course service is started
that way), while each student's kernel runs as the student at nice 0. This measures what a
student feels while the class grades: one ipykernel, started as a temporary Unix user at nice 0
(`runuser`, Debian's python3.11 with the venv's packages on PYTHONPATH; the venv's own python lives
under /root, which other users cannot enter), runs a small training-like cell every 0.25 s, and
each run's wall time is taken around `execute_interactive` (request to reply, as the browser sees
it). The conditions, one after another, each for as long as its grading takes:

- idle: nothing else running (--idle-samples samples);
- `dlnlp grade attention CLASS --force` at nice 0, default --jobs (the CPUs it may use);
- the same under `nice -n 10`, as the hub's course service runs it;
- where the kernel schedules by autogroup (/proc/sys/kernel/sched_autogroup_enabled = 1, and the
  processes are in the root CPU cgroup): the same with its session's autogroup at nice 10 too.

Why the last row: with autogroups, a process's nice weighs only against the processes of its own
session, and each session (autogroup, nice 0 unless set in /proc/PID/autogroup) gets an equal
share. The hub's spawner and jupyter_client start the course service and each kernel in sessions
of their own, and the sandbox's launcher (dlnlp/sandbox/zygote.py) calls setsid() for every
worker: each worker is an autogroup at nice 0 of its own, whatever `nice -n 10` said. The
report lists the nice and the autogroups that the grader's processes were seen in.

Grading runs in a session of its own, like the hub's course service. "CPU busy" is the whole
machine's busy share over the condition (from /proc/stat); "other CPU s" the busy CPU seconds that
neither the student's processes, nor this script, nor the grading used: other load, which makes
a run noisy (rerun it when that is more than a few seconds).
CLASS is --n copies of examples/attention/*.ipynb, cycled (student001.ipynb, ...). Grading runs as
root from the repository; the kernel's priority, not its uid, is what the scheduler weighs. The
temporary user and everything it runs are removed at the end. Prints one markdown table; --out
writes the samples as JSON. Needs root.

Run: .venv/bin/python bench/hub_latency.py [--n 50] [--idle-samples 40] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client import BlockingKernelClient, KernelManager
from jupyter_client.kernelspec import KernelSpecManager

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / ".venv" / "lib" / "python3.11" / "site-packages"
SYSTEM_PYTHON = "/usr/bin/python3.11"
DLNLP = REPO / ".venv" / "bin" / "dlnlp"

# the student's cell: a small training-like step (about tens of ms on an idle core)
CELL = "x = torch.randn(512, 512)\nfor _ in range(10):\n    x = torch.tanh(x @ x.T / 512)\n"
PERIOD = 0.25  # seconds between the starts of two runs of the cell


# --------------------------------------------------------------------------- the student
def make_user() -> str:
    name = f"dlbench-{secrets.token_hex(2)}"
    subprocess.run(["useradd", "--create-home", name], check=True)
    return name


def remove_user(name: str) -> None:
    subprocess.run(["pkill", "-KILL", "-u", name], check=False)
    time.sleep(0.5)  # let the killed processes go before userdel checks for them
    subprocess.run(["userdel", "--remove", name], check=False, stderr=subprocess.DEVNULL)


def kernel_argv(user: str) -> tuple[list[str], str]:
    """The kernel's command line and how it runs: as `user` with the system python and the venv's
    packages if that user can import them, else as root with the venv's python (both at nice 0)."""
    as_user = ["runuser", "-u", user, "--", "env", f"PYTHONPATH={SITE}", SYSTEM_PYTHON, "-s"]
    check = subprocess.run(
        [*as_user, "-c", "import torch, ipykernel"], capture_output=True, text=True, check=False
    )
    launcher = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
    if check.returncode == 0:
        return [*as_user, *launcher], f"user {user}, {SYSTEM_PYTHON} + PYTHONPATH={SITE}, nice 0"
    print(f"{user} cannot import torch/ipykernel, kernel runs as root:\n{check.stderr[-500:]}")
    return [sys.executable, *launcher], f"root (fallback), {sys.executable}, nice 0"


class SharedFileKernelManager(KernelManager):
    """A KernelManager whose connection file (written 0600) the student's user may read."""

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        Path(self.connection_file).chmod(0o644)


def start_kernel(argv: list[str], work: Path) -> tuple[KernelManager, BlockingKernelClient]:
    """An ipykernel from `argv`, its connection file readable by the student's user."""
    specs = work / "kernels"
    (specs / "student").mkdir(parents=True)
    spec = {"argv": argv, "display_name": "student", "language": "python"}
    (specs / "student" / "kernel.json").write_text(json.dumps(spec))
    runtime = work / "runtime"
    runtime.mkdir(mode=0o755)
    runtime.chmod(0o755)
    km = SharedFileKernelManager(
        kernel_name="student",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]),
        connection_file=str(runtime / "kernel-student.json"),
    )
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc


def run_cell(kc: BlockingKernelClient, code: str) -> float:
    """Wall seconds of one execute request, from sending it to its reply."""
    start = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=60, output_hook=lambda msg: None)
    wall = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        sys.exit(f"the student's cell failed: {reply['content']}")
    return wall


def kernel_facts(kc: BlockingKernelClient) -> str:
    """uid, nice, torch's threads and autogroup, as the kernel itself reports them."""
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    code = (
        "import os, pwd\n"
        "try:\n    ag = open('/proc/self/autogroup').read().strip()\n"
        "except OSError:\n    ag = 'none'\n"
        "print(pwd.getpwuid(os.getuid()).pw_name, os.nice(0), torch.get_num_threads(), ag, sep='|')"
    )
    kc.execute_interactive(code, timeout=60, output_hook=hook)
    user, nice, threads, autogroup = "".join(out).strip().split("|")
    return (
        f"kernel reports: user {user}, nice {nice}, torch threads {threads}, autogroup {autogroup}"
    )


# --------------------------------------------------------------------------- the class
def make_class(folder: Path, n: int) -> None:
    samples = sorted((REPO / "examples" / "attention").glob("*.ipynb"))
    folder.mkdir(parents=True)
    for i in range(n):
        shutil.copy(samples[i % len(samples)], folder / f"student{i + 1:03d}.ipynb")


def read_autogroup(pid: int | str) -> str | None:
    """The process's autogroup and that group's nice ("/autogroup-123 nice 0"), if any."""
    try:
        return Path(f"/proc/{pid}/autogroup").read_text().strip()
    except OSError:
        return None


def autogroup_enabled() -> bool:
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False


def grader_scheduling(root: int) -> set[tuple[int, str]]:
    """(nice, autogroup) of each process in a tree (root and everything under it)."""
    tree: dict[int, list[int]] = {}
    nice: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            tree.setdefault(int(fields[1]), []).append(int(d))
            nice[int(d)] = int(fields[16])
    seen, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in nice:
            seen.add((nice[pid], read_autogroup(pid) or "-"))
        todo += tree.get(pid, [])
    return seen


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(uid: int) -> dict[str, float]:
    """CPU seconds so far: the machine's busy and total (/proc/stat), the student's processes
    (all of `uid`'s), this script, and its waited-for children (the grading runs, less what no
    one waited for: see cpuacct_root)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    student = 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid != uid:
                    continue
                stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            student += int(stat[11]) + int(stat[12])  # utime + stime
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return {
        "busy": (sum(fields) - idle) / TICK,
        "total": sum(fields) / TICK,
        "student": student / TICK,
        "bench": me.ru_utime + me.ru_stime,
        "grading": kids.ru_utime + kids.ru_stime,
    }


def cpuacct_root() -> Path | None:
    """A cgroup v1 hierarchy with the cpuacct controller alone, where one is mounted: a group
    there counts a process tree's CPU time (launchers and workers that nobody waits for too)
    without changing how it is scheduled (the cpu controller is another hierarchy)."""
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        mount, _, fs = line.partition(" - ")
        fstype, _, options = fs.split()[:3]
        if fstype == "cgroup" and set(options.split(",")) - {"rw", "ro"} == {"cpuacct"}:
            return Path(mount.split()[4])
    return None


def counted(cmd: list[str], group: Path | None) -> list[str]:
    """`cmd`, run in cpuacct group `group` if any."""
    if group is None:
        return cmd
    return ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh", *cmd]


def remove_group(group: Path) -> None:
    for _ in range(50):  # its last processes (the sandbox's launchers) may take a moment
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)


def measure(kc: BlockingKernelClient, grade: list[str] | None, min_samples: int, uid: int) -> dict:
    """Run the cell every PERIOD s: while `grade` runs (if any), and at least min_samples times.
    The grader gets a session of its own, as the hub's spawner gives the course service."""
    proc = grade_start = group = None
    acct = cpuacct_root()
    if grade is not None and acct is not None:
        group = acct / f"dlbench-{secrets.token_hex(4)}"
        group.mkdir()
    log = tempfile.TemporaryFile("w+")  # the grader's stderr: a pipe could fill and stall it
    cpu0 = cpu_seconds(uid)
    if grade is not None:
        grade_start = time.perf_counter()
        proc = subprocess.Popen(
            counted(grade, group),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    samples: list[float] = []
    seen: set[tuple[int, str]] = set()
    grade_wall = None
    try:
        while True:
            start = time.perf_counter()
            samples.append(run_cell(kc, CELL))
            if proc is not None:
                if proc.poll() is None:
                    if len(samples) % 20 == 5:  # now and then: what the grader's tree runs at
                        seen |= grader_scheduling(proc.pid)
                elif grade_wall is None:
                    grade_wall = time.perf_counter() - grade_start
                    if proc.returncode:
                        log.seek(0)
                        sys.exit(f"dlnlp grade failed ({proc.returncode}):\n{log.read()[-2000:]}")
            if len(samples) >= min_samples and (proc is None or grade_wall is not None):
                break
            time.sleep(max(0.0, start + PERIOD - time.perf_counter()))
    finally:
        if proc is not None and proc.poll() is None:  # stopped early: the grading goes too
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
        grading_s = None
        if group is not None:
            grading_s = int((group / "cpuacct.usage").read_text()) / 1e9
            remove_group(group)
    cpu = {k: v - cpu0[k] for k, v in cpu_seconds(uid).items()}
    if grading_s is not None:  # the whole tree's, not only the processes this script waited for
        cpu["grading"] = grading_s
    return {
        "samples_s": samples,
        "grade_wall_s": grade_wall,
        "grader_nice": sorted({n for n, _ in seen}),
        "grader_autogroups": sorted({g for _, g in seen}),
        "cpu_busy": cpu["busy"] / max(1e-9, cpu["total"]),
        "cpu_s": cpu,
        # busy CPU time that neither the student, nor this script, nor the grading used
        "other_cpu_s": cpu["busy"] - cpu["student"] - cpu["bench"] - cpu["grading"],
    }


def summary(samples: list[float]) -> dict:
    ms = sorted(1000 * s for s in samples)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
    return {"n": len(ms), "median": statistics.median(ms), "p95": p95, "max": ms[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="submissions in the class")
    parser.add_argument("--idle-samples", type=int, default=40)
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root: it creates (and removes) a temporary Unix user")

    work = Path(tempfile.mkdtemp(prefix="dlbench-"))
    work.chmod(0o755)
    user = make_user()
    km = kc = None
    try:
        argv, how = kernel_argv(user)
        km, kc = start_kernel(argv, work)
        run_cell(kc, "import torch")
        facts = kernel_facts(kc)
        for _ in range(5):  # warm: first runs pay for allocation and thread start-up
            run_cell(kc, CELL)
        make_class(work / "class", args.n)
        grade = [str(DLNLP), "grade", "attention", str(work / "class")]
        grade += ["--out", str(work / "graded"), "--force"]
        conditions = [
            ("idle", None),
            (f"grading {args.n}, nice 0", grade),
            (f"grading {args.n}, nice 10", ["nice", "-n", "10", *grade]),
        ]
        if autogroup_enabled():  # nice weighs only within an autogroup (a session): see above
            set_group = ["sh", "-c", 'echo 10 > /proc/self/autogroup && exec "$@"', "sh"]
            name = f"grading {args.n}, nice 10 + autogroup nice 10"
            conditions.append((name, [*set_group, "nice", "-n", "10", *grade]))
        results = {}
        for name, cmd in conditions:
            print(f"measuring: {name} ...", flush=True)
            samples = args.idle_samples if cmd is None else 1
            results[name] = measure(kc, cmd, samples, pwd.getpwnam(user).pw_uid)
    finally:
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            km.shutdown_kernel(now=False)
        remove_user(user)
        if user not in {p.pw_name for p in pwd.getpwall()}:
            print(f"removed user {user}")
        shutil.rmtree(work, ignore_errors=True)

    cpus = os.sched_getaffinity(0)
    print(f"\nkernel: {how}\n{facts}")
    print(f"{len(cpus)} CPUs usable; autogroup scheduling {'on' if autogroup_enabled() else 'off'}")
    print(f"the student's cell, every {PERIOD} s:\n```python\n{CELL}```\n")
    head = "| condition | samples | median ms | p95 ms | max ms | grading wall s | CPU busy | other CPU s |"
    print(head + "\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        s = summary(r["samples_s"])
        wall = "-" if r["grade_wall_s"] is None else f"{r['grade_wall_s']:.1f}"
        cells = [name, s["n"], f"{s['median']:.0f}", f"{s['p95']:.0f}", f"{s['max']:.0f}", wall]
        cells += [f"{100 * r['cpu_busy']:.0f}%", f"{r['other_cpu_s']:.1f}"]
        print("| " + " | ".join(map(str, cells)) + " |")
    for name, r in results.items():
        if r["grader_nice"]:
            groups = r["grader_autogroups"]
            nices = sorted({g.rsplit(" ", 1)[-1] for g in groups})
            print(
                f"{name}: grader processes at nice {r['grader_nice']}, in {len(groups)} "
                f"autogroups over the run (at nice {', '.join(nices)})"
            )
    if args.out is not None:
        report = {"kernel": how, "facts": facts, "cell": CELL, "period_s": PERIOD}
        report["autogroup"] = autogroup_enabled()
        report["conditions"] = {n: {**r, **summary(r["samples_s"])} for n, r in results.items()}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
