"""Does `--jobs` default to the CPUs the grader may really use (its affinity, capped by its
cgroup's quota), as on a hub's course service or in a container, not the host's count?"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from dlnlp.cpus import _from_helper, usable_cpus


@pytest.mark.parametrize(
    ("cpu_max", "cap"), [("50000 100000", 1), ("150000 100000", 2), ("max 100000", None)]
)
def test_a_cgroup_quota_caps_the_count(tmp_path, cpu_max, cap):
    (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    affinity = len(os.sched_getaffinity(0))
    assert _from_helper()(cgroup=str(tmp_path)) == min(affinity, cap or affinity)


@pytest.mark.skipif(not shutil.which("taskset"), reason="no taskset (util-linux)")
def test_a_process_pinned_to_one_cpu_counts_one():
    code = "from dlnlp.cpus import usable_cpus; print(usable_cpus())"
    out = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", code], capture_output=True, text=True
    )
    assert out.stdout.strip() == "1", out.stderr
    assert usable_cpus() >= 1


autogroups = pytest.mark.skipif(
    not os.path.exists("/proc/self/autogroup"), reason="this kernel has no autogroup scheduling"
)


@autogroups
def test_a_niced_process_gives_its_new_session_its_nice():
    """After setsid, is the new session's autogroup at the process's nice (Linux shares the CPU
    between autogroups first, so a nice that stays inside one counts for nothing outside)?"""
    code = (
        "import os; os.setsid()\n"
        "from dlnlp.cpus import autogroup_at_own_nice\n"
        "print(autogroup_at_own_nice(), open('/proc/self/autogroup').read().split()[-1])\n"
    )
    out = subprocess.run(
        ["nice", "-n", "7", sys.executable, "-c", code], capture_output=True, text=True
    )
    assert out.stdout.split() == ["True", "7"], out.stderr


@autogroups
def test_a_niced_graders_workers_start_their_sessions_at_its_nice():
    """A grader under `nice -n 6` (a hub's course service): does each sandbox worker's session,
    which the zygote starts with setsid, run at nice 6 too, not the default 0?"""
    code = (
        "from dlnlp.sandbox.client import Zygote\n"
        "with Zygote([], [], 512, 60) as z:\n"
        "    w = z.spawn()\n"
        "    print(open(f'/proc/{w.launcher_pid}/autogroup').read().split()[-1])\n"
        "    w.kill()\n"
    )
    out = subprocess.run(
        ["nice", "-n", "6", sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.split() == ["6"], out.stderr[-2000:]
