"""How many CPUs this process may use: `usable_cpus()`, the default of `--jobs`.

The one source is the notebooks' helper (dlnlp/build/visible_checks.py), where a student's kernel
sizes torch's threads by it. That file is notebook code that sets torch's threads when it runs,
so it is not imported here: its `usable_cpus` alone is compiled from its text.
"""

from __future__ import annotations

import ast
import functools
import math
import os
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
