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
