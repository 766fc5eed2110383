"""Run notebook cells in plain Python, outside any kernel: `python run_cells.py PLAN OUT`.

PLAN (JSON) is a list of runs, each {"key", "cells": [[label, source], ...], "seconds"}; each run
executes its cells in order in a fresh namespace, as "Run all above" would in a kernel, and
appends one JSON line to OUT: {"key", "ok", "stdout", "stderr", "error"}. A line per run, flushed,
so a run that hangs in C code (no alarm can stop it) loses only itself when the parent kills us.
Standard library only: it starts before torch is imported, and a kernel start costs seconds.
"""

import contextlib
import io
import json
import signal
import sys
import traceback


class _Overtime(Exception):
    pass


def _alarm(signum, frame):
    raise _Overtime()


def _where(error):
    """ "<cell label>, line N: " of the innermost cell frame of the error's traceback."""
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<cell")
    ]
    return f"{frames[-1].filename[1:-1]}, line {frames[-1].lineno}: " if frames else ""


def run(cells, seconds):
    """(ok, stdout, stderr, error) of executing `cells` in one fresh namespace."""
    namespace = {"__name__": "__main__"}
    out, err = io.StringIO(), io.StringIO()
    error = ""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(max(1, int(seconds)))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            for label, source in cells:
                exec(compile(source, f"<cell {label}>", "exec"), namespace)
    except _Overtime:
        error = f"did not finish in {seconds:g} s"
    except BaseException as e:  # the check's own failure, whatever it raised: report, go on
        error = _where(e) + traceback.format_exception_only(e)[-1].strip()
    finally:
        signal.alarm(0)
    return not error, out.getvalue(), err.getvalue(), error


def main(plan_path, out_path):
    with open(plan_path) as f:
        plan = json.load(f)
    with open(out_path, "a") as out:
        for item in plan:
            ok, stdout, stderr, error = run(item["cells"], item["seconds"])
            record = {"key": item["key"], "ok": ok, "stdout": stdout, "stderr": stderr}
            out.write(json.dumps({**record, "error": error}) + "\n")
            out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
