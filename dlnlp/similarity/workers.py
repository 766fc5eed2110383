"""Stages 1 and 2 in worker processes: every submission read (sources) and fingerprinted
(fingerprints), in order, on up to `jobs` processes; the reference too.

copydetect hashes with Python's `hash()`, which every interpreter seeds at random: fingerprints
compare only with fingerprints made under the same seed, and a random seed would change the
scores from one run to the next. So every fingerprint is made here, in fresh interpreters
started (spawned, never forked) with PYTHONHASHSEED=0: one run's fingerprints all match each
other, and two runs on the same code give the same scores.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.similarity.settings import Settings

HASH_SEED = "0"
# submissions per worker started: a worker takes ~1.5 s to start (copydetect loads matplotlib)
PER_WORKER = 50

_job: dict = {}  # a worker's: the graded functions, the starter code's hashes, the settings


@dataclass
class Read:
    """One submission read and fingerprinted, or why it could not be."""

    student: str
    fingerprints: dict = field(default_factory=dict)  # graded function -> CodeFingerprint
    notes: list[str] = field(default_factory=list)
    unreadable: str = ""  # "student: why", when it was skipped


def _start(functions: list[str], starter: list[str], settings: Settings) -> None:
    from dlnlp.similarity.fingerprints import starter_hashes

    _job.update(functions=functions, starter=starter_hashes(starter, settings), settings=settings)


def _fingerprints(functions: dict[str, str]) -> dict:
    """Each function's fingerprints; none for a stub (nothing but starter code)."""
    from dlnlp.similarity.fingerprints import fingerprint

    found = {fn: fingerprint(t, _job["starter"], _job["settings"]) for fn, t in functions.items()}
    return {fn: fp for fn, fp in found.items() if fp.hashes}


def _read(student: str, path: Path) -> Read:
    from dlnlp.grade.extract import UnreadableNotebook
    from dlnlp.grade.untrusted import ReadTooLong, read_within
    from dlnlp.similarity.sources import read_submission

    try:
        with read_within():  # linear in the code, and bounded in time as well
            code = read_submission(student, path, _job["functions"])
            return Read(student, _fingerprints(code.functions), code.notes)
    except (UnreadableNotebook, ReadTooLong) as e:
        return Read(student, unreadable=f"{student}: {e}")
    except Exception as e:  # one notebook that breaks us costs its own comparison only
        return Read(
            student, unreadable=f"{student}: {path.name}: not compared ({type(e).__name__})"
        )


@contextlib.contextmanager
def _seeded():
    """PYTHONHASHSEED=HASH_SEED for the interpreters started meanwhile."""
    before = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = HASH_SEED
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONHASHSEED"]
        else:
            os.environ["PYTHONHASHSEED"] = before


def read_class(
    subs: list,
    functions: list[str],
    starter: list[str],
    reference: dict[str, str] | None,
    settings: Settings,
    jobs: int,
    tick: Callable[..., object] = lambda: None,
) -> tuple[list[Read], dict | None]:
    """(each of `subs` read and fingerprinted, in order; the reference's fingerprints)."""
    workers = max(1, min(jobs, math.ceil(len(subs) / PER_WORKER)))
    spawn = multiprocessing.get_context("spawn")
    with (
        _seeded(),
        ProcessPoolExecutor(
            workers, mp_context=spawn, initializer=_start, initargs=(functions, starter, settings)
        ) as pool,
    ):
        ref = pool.submit(_fingerprints, reference) if reference is not None else None
        chunk = max(1, min(16, len(subs) // (4 * workers)))
        reads = []
        for read in pool.map(
            _read, [s.student for s in subs], [s.path for s in subs], chunksize=chunk
        ):
            reads.append(read)
            tick()
        return reads, ref.result() if ref is not None else None
