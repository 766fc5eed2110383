"""How many CPUs this process may use (`usable_cpus()`, the default of `--jobs`), and at what
priority against other sessions (`autogroup_at_own_nice()`).

The one source of `usable_cpus` is the notebooks' helper (dlnlp/build/visible_checks.py), where a student's kernel
sizes torch's threads by it. That file is notebook code that sets torch's threads when it runs,
so it is not imported here: its `usable_cpus` alone is compiled from its text.
"""

from __future__ import annotations

import ast
import functools
import math
import os
import time
from collections.abc import Callable
from pathlib import Path

HELPER = Path(__file__).resolve().parent / "build" / "visible_checks.py"


@functools.cache
def _from_helper() -> Callable[[], int]:
    tree = ast.parse(HELPER.read_text(encoding="utf-8"))
    found: list[ast.stmt] = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "usable_cpus"
    ]
    namespace: dict = {"math": math, "os": os}
    exec(compile(ast.Module(body=found, type_ignores=[]), str(HELPER), "exec"), namespace)
    return namespace["usable_cpus"]


def usable_cpus() -> int:
    """The process's CPU affinity, capped by its cgroup's CPU quota (v2 cpu.max, v1 cfs):
    on a hub or in a container, the CPUs it may really use, not the host's count."""
    return _from_helper()()


AUTOGROUP = Path("/proc/self/autogroup")


def autogroup_at_own_nice(tries: int = 10) -> bool:
    """Give this process's session autogroup its own nice value. -> whether it is so now.

    Linux's autogroup scheduling (on by default in Debian's and Ubuntu's kernels) shares the CPU
    fairly between sessions first: a process's nice only weighs against its own session. A
    grader started under `nice -n 10` whose workers each start a session of their own (setsid)
    would then compete with a student's kernel as an equal, whatever its nice (bench/
    hub_latency.py measured it). Run after setsid. Without CAP_SYS_ADMIN the kernel accepts one
    such write per 100 ms machine-wide (EAGAIN otherwise): retried a few times."""
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    for _ in range(tries):
        try:
            if AUTOGROUP.read_text().split()[-1] == str(nice):
                return True
            AUTOGROUP.write_text(str(nice))
        except BlockingIOError:
            time.sleep(0.11)
        except (OSError, IndexError):
            return False  # no autogroups here (kernel without them, or a cgroup does the job)
    return False
