"""What a re-run must grade again: fingerprints of a submission and of what grades it.

Each graded student gets OUT/<student>/grading-record.json, written last and atomically: the
full Results and the fingerprint they were graded under. A re-run grades a student again when
the submission file, the assignment's common grading material (limits, shared hidden-test
helpers, its data, the kit's version) or one function's config or test file changed; in the
last case only that function's tests run again. Anything else is skipped, its results reused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from dlnlp import __version__
from dlnlp.config import AssignmentConfig, Limits
from dlnlp.course import hidden_test_name, material_files
from dlnlp.files import atomic_write
from dlnlp.results import Results

RECORD = "grading-record.json"


class Fingerprint(BaseModel):
    submission: str  # sha256 of the notebook file
    common: str  # limits, shared hidden-test files, the assignment's data, the kit's version
    functions: dict[str, str]  # per function: its config and its test file


class Record(BaseModel):
    fingerprint: Fingerprint
    results: Results


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little") + p)
    return h.hexdigest()


@dataclass
class Grading:
    """The fingerprint of everything but the submission, computed once per batch."""

    common: str
    functions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, config: AssignmentConfig, limits: Limits, test_dir: Path, data_dir: Path | None
    ) -> Grading:
        tests = {hidden_test_name(fn) for fn in config.functions}
        shared = [p for p in material_files(test_dir) if p.name not in tests]
        if data_dir is not None:
            shared += material_files(data_dir)
        common = _sha(
            __version__.encode(),
            limits.model_dump_json().encode(),
            config.model_dump_json(exclude={"functions"}).encode(),
            *(p.as_posix().encode() + p.read_bytes() for p in shared),
        )
        functions = {}
        for fn, cfg in config.functions.items():
            test_file = test_dir / hidden_test_name(fn)
            functions[fn] = _sha(
                fn.encode(),
                cfg.model_dump_json().encode(),
                test_file.read_bytes() if test_file.is_file() else b"",
            )
        return cls(common, functions)

    def fingerprint(self, submission: Path) -> Fingerprint:
        return Fingerprint(
            submission=submission_digest(submission), common=self.common, functions=self.functions
        )


def submission_digest(path: Path) -> str:
    """The fingerprint of a submission file as it is now ("unreadable" when it cannot be read)."""
    try:
        return _sha(path.read_bytes())
    except OSError:
        return "unreadable"


def load_record(folder: Path) -> Record | None:
    """The record of an earlier run, or None (absent, or unreadable: then grade again)."""
    try:
        return Record.model_validate_json((folder / RECORD).read_text())
    except (OSError, ValueError, ValidationError):
        return None


def save_record(folder: Path, record: Record) -> None:
    atomic_write(folder / RECORD, record.model_dump_json(indent=1))


def plan(
    now: Fingerprint, record: Record | None, *, force: bool, only: list[str] | None
) -> list[str] | None:
    """Which functions to grade: None = the whole submission, [] = nothing (reuse the record).

    `only`: grade exactly these functions now, even if more changed. The record then says that
    only these are up to date, so that a later plain run grades the rest of what changed. A
    submission graded for the first time (or changed since) gets results for these alone."""
    if only is not None:
        return list(only)
    if record is None or record.fingerprint.submission != now.submission:
        return None
    if force or record.fingerprint.common != now.common:
        return None
    old = record.fingerprint.functions
    return [fn for fn, digest in now.functions.items() if old.get(fn) != digest]


def merge(previous: Results, partial: Results, functions: list[str], order: list[str]) -> Results:
    """`previous` with the tests and scores of `functions` taken from `partial`."""
    merged = previous.model_copy(deep=True)
    new_tests = [t for t in partial.tests if t.function in functions]
    kept = [t for t in merged.tests if t.function not in functions]
    rank = {fn: i for i, fn in enumerate(order)}
    merged.tests = sorted(kept + new_tests, key=lambda t: rank.get(t.function, len(rank)))
    by_name = {f.name: f for f in merged.functions if f.name not in functions}
    by_name |= {f.name: f for f in partial.functions if f.name in functions}
    merged.functions = [by_name[fn] for fn in order if fn in by_name]
    merged.execution_time = previous.execution_time + partial.execution_time
    return merged.add_up()
