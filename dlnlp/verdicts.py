"""What a hidden check's run can come to: one enumeration, from the worker's reply to the
feedback's label. Every stage speaks it (the sandbox client, the session, the hidden-test
runner, the scorer, the renderers, the report), so a kind is added here once and shows up with
its label, colour and incident category everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Incident(StrEnum):
    """What went wrong in grading a submission beyond wrong answers, as the class summary and
    the report count it (the value is the words they print)."""

    TIMEOUT = "timed out"
    MEMORY = "out of memory"
    CRASH = "crashed"
    BANNED = "used a banned API"
    UNREADABLE = "unreadable"
    INTERNAL_ERROR = "internal grading error"


@dataclass(frozen=True)
class _Info:
    label: str  # what the student reads above the failed checks
    css: str  # the label's colour class in feedback.html: hint | error | todo | limit | banned
    incident: Incident | None = None
    kit_text: bool = True  # the message is the kit's own words (False: the student code's text)


class Verdict(StrEnum):
    """How one hidden check went (the value is what results and records store)."""

    PASSED = "passed"
    MISTAKE = "mistake"  # a catalogued mistake: the test's hint says which
    PARTIAL = "partial"  # met in part: some credit, and a hint on the rest
    FAILED = "failed"  # a hidden check failed and says nothing more (it could reveal the test)
    NOT_RUN = "not_run"  # the check never ran (pytest did not report it)
    EXCEPTION = "exception"  # the student's code raised
    NOT_IMPLEMENTED = "not_implemented"  # ... NotImplementedError: the stub as released
    MISSING = "missing"  # the function is not in the notebook
    TIMEOUT = "timeout"  # one call ran past its limit
    TOTAL_TIMEOUT = "total_timeout"  # the submission's whole time budget was spent
    MEMORY = "memory"
    CRASH = "crash"  # the worker died (os._exit, a signal)
    PROTOCOL = "protocol"  # the worker sent a reply no honest worker sends
    LOAD = "load"  # loading the notebook's code into a worker failed
    LOST = "lost"  # a kept object died with the worker that held it
    UNSERIALIZABLE = "unserializable"  # returned something that cannot cross to the grader
    BANNED = "banned"  # used an API the assignment bans in this function
    UNREADABLE = "unreadable"  # the notebook file could not be read
    INTERNAL_ERROR = "internal_error"  # our grader failed, not the student

    @property
    def label(self) -> str:
        return _INFO[self].label

    @property
    def css(self) -> str:
        return _INFO[self].css

    @property
    def incident(self) -> Incident | None:
        return _INFO[self].incident

    @property
    def kit_text(self) -> bool:
        """Is the message of this kind written by the kit (not carrying the student's text)?"""
        return _INFO[self].kit_text

    @property
    def hinted(self) -> bool:
        return self in (Verdict.MISTAKE, Verdict.PARTIAL)


_INFO: dict[Verdict, _Info] = {
    Verdict.PASSED: _Info("Passed", "ok"),
    Verdict.MISTAKE: _Info("Hint", "hint"),
    Verdict.PARTIAL: _Info("Partly right", "hint"),
    Verdict.FAILED: _Info("Check failed", "hint"),
    Verdict.NOT_RUN: _Info("Not run", "error"),
    Verdict.EXCEPTION: _Info("Your code raised an error", "error", kit_text=False),
    Verdict.NOT_IMPLEMENTED: _Info("Not implemented yet", "todo"),
    Verdict.MISSING: _Info("Not found", "todo"),
    Verdict.TIMEOUT: _Info("Time limit", "limit", Incident.TIMEOUT),
    Verdict.TOTAL_TIMEOUT: _Info("Time limit", "limit", Incident.TIMEOUT),
    Verdict.MEMORY: _Info("Memory limit", "limit", Incident.MEMORY),
    Verdict.CRASH: _Info("Crashed", "limit", Incident.CRASH),
    Verdict.PROTOCOL: _Info("Crashed", "limit", Incident.CRASH),
    Verdict.LOAD: _Info("Could not load", "error"),
    Verdict.LOST: _Info("Crashed", "limit"),
    Verdict.UNSERIALIZABLE: _Info("Could not be graded", "error", kit_text=False),
    Verdict.BANNED: _Info("Banned API", "banned", Incident.BANNED),
    Verdict.UNREADABLE: _Info("Unreadable notebook", "error", Incident.UNREADABLE),
    Verdict.INTERNAL_ERROR: _Info("Not graded", "error", Incident.INTERNAL_ERROR),
}
assert set(_INFO) == set(Verdict), "every verdict needs its label"

# what a worker's failure reply may say it was (dlnlp/sandbox/worker.py); anything else is forged
WORKER_REPLIES = frozenset(
    {Verdict.MISSING, Verdict.EXCEPTION, Verdict.MEMORY, Verdict.BANNED, Verdict.UNSERIALIZABLE}
)
