"""The `visible_checks` helper of every assignment notebook: the ONE source of its cell.

`dlnlp build` (dlnlp.build.splice.solved_notebook) copies this file's code, everything after this
docstring, into the locked code cell whose nbgrader grade_id is `visible_checks`; the authored
notebooks hold only a placeholder there. Edit the helper here, then `make release`. The code runs
in the student's kernel with torch alone, so it imports nothing from dlnlp, and it carries no type
hints: its text is the release's, shown to students as is.
"""

import contextlib
import linecache
import math
import os
import warnings


@contextlib.contextmanager
def visible_checks(name):
    """Run the visible checks of `name` (the body of the `with` block) and say how they went.

    Prints "✓ name: ..." when every check passes, or "✗ name: ..." and the reason when one
    fails, then how to go on; the error is then raised again, so the cell still fails and shows
    where. Warnings raised inside the block (e.g. by torch) are printed here as notes instead of
    on stderr.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except Exception as error:
            print(f"✗ {name}: {_why_it_failed(name, error)}")
            # Run All halts at this cell and skips every cell below it without a word
            print(
                "  Run All stops at this cell. Fix the function, then run its cell and this check"
                " again; to look further first, select the next cell and use Run ▸ Run Selected"
                " Cell and All Below (in Colab: Runtime ▸ Run after)."
            )
            raise
        finally:
            for note in dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught):
                print(f"  note: {note}")
    print(f"✓ {name}: all visible checks passed")


def _why_it_failed(name, error):
    """One line for the student: the failed check's message, or the function still to write."""
    tb = error.__traceback__
    while tb.tb_next is not None:  # the innermost frame: where the error was raised
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    if isinstance(error, NotImplementedError) and not str(error):
        where = getattr(code, "co_qualname", code.co_name)  # e.g. TextClassifier.__init__
        stub = "not implemented yet" if where == name else f"{where} is not implemented yet"
        return f"{stub} — replace the `raise NotImplementedError()` line in its cell with your code"
    if isinstance(error, AssertionError):
        line = linecache.getline(code.co_filename, tb.tb_lineno).strip()
        return str(error) or f"this check failed: {line or f'line {tb.tb_lineno}'}"
    if isinstance(error, NameError):
        return f"{error} — run the cells above first (this check uses what they define)"
    return f"{type(error).__name__}: {error}"


def usable_cpus(cgroup="/sys/fs/cgroup"):
    """How many CPUs this process may really use: its affinity, capped by the cgroup's CPU
    quota (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`). On a shared JupyterHub, torch's default
    counts the host's cores; running that many threads on a quota of 2 makes training 5-10x
    slower, as they wait for each other."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    quotas = [
        (f"{cgroup}/cpu.max", None),  # v2: "<quota> <period>" or "max <period>"
        (f"{cgroup}/cpu/cpu.cfs_quota_us", f"{cgroup}/cpu/cpu.cfs_period_us"),  # v1: -1 or quota
    ]
    for quota_file, period_file in quotas:
        try:
            with open(quota_file) as f:
                fields = f.read().split()
            if period_file:
                with open(period_file) as f:
                    fields.append(f.read().strip())
            quota, period = fields[0], fields[1]
            if quota not in ("max", "-1") and float(period) > 0:
                n = min(n, max(1, math.ceil(float(quota) / float(period))))
        except (OSError, ValueError, IndexError):
            pass  # no such cgroup file here (macOS, Windows, cgroup v1 or v2 only)
    return max(1, n)


def _set_torch_threads():
    """Give torch as many threads as this process may use, unless OMP_NUM_THREADS says."""
    import torch

    if os.environ.get("OMP_NUM_THREADS"):
        print(f"torch uses {torch.get_num_threads()} thread(s) (OMP_NUM_THREADS)")
        return
    torch.set_num_threads(usable_cpus())
    print(
        f"torch uses {torch.get_num_threads()} thread(s): the CPUs this process may use "
        "(its CPU affinity and its container's CPU quota)"
    )


_set_torch_threads()
