"""Text that comes from a student's code, made safe to keep and show: bounded, printable.

Everything the worker sends is the student's to choose, including what a well-behaved worker
would have cut already (a forged reply skips the worker's own caps). So the trusted side cuts
again, to sizes documented in docs/security.md:

| text                                 | at most                                  |
|--------------------------------------|------------------------------------------|
| an error message, a note, a problem  | MESSAGE characters                       |
| an exception's type name             | NAME characters                          |
| a traceback                          | TRACEBACK characters, its last lines     |
| problems reported when loading       | PROBLEMS of them                         |
| a hidden check's output (in Results) | OUTPUT characters                        |
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading

MESSAGE = 300
NAME = 80
TRACEBACK = 2_000
PROBLEMS = 10
OUTPUT = 1_000  # a kit-written hint may quote a student's value: still bounded

# C0 and C1 controls except tab and newline, DEL, and the bidi overrides that reorder a line
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clip(text: object, limit: int = MESSAGE, keep_tail: bool = False) -> str:
    """`text` as a str of at most `limit` characters (plus a marker saying how much was cut),
    without control characters. `keep_tail`: keep the end (a traceback's last frames)."""
    text = _CONTROL.sub("\ufffd", text if isinstance(text, str) else str(text))
    if len(text) <= limit:
        return text
    cut = f"[... {len(text) - limit} characters cut]"
    return cut + "\n" + text[-limit:] if keep_tail else text[:limit] + " " + cut


def clip_name(text: object) -> str:
    """An exception type's name: one line, short."""
    return clip(text, NAME).replace("\n", " ")


def clip_traceback(text: object) -> str:
    return clip(text, TRACEBACK, keep_tail=True)


def clip_problems(problems: object) -> list[str]:
    """The load problems a worker reported: a bounded list of bounded strings."""
    if not isinstance(problems, list):
        return []
    kept = [clip(p) for p in problems[:PROBLEMS]]
    if len(problems) > PROBLEMS:
        kept.append(f"... and {len(problems) - PROBLEMS} more problems")
    return kept


# Seconds the trusted side may spend reading one notebook's code (parse, extract, the code
# policy, the static ban check; or, for `dlnlp similarity`, reading and fingerprinting it). Each
# is linear in the code's size (MAX_CODE characters at most, under a second); past this, that
# notebook gets nothing and says why, and the batch goes on.
READ_SECONDS = 20.0


class ReadTooLong(Exception):
    """Reading a notebook took longer than READ_SECONDS."""


@contextlib.contextmanager
def read_within(seconds: float | None = None):
    """Raise ReadTooLong inside the block once `seconds` (default READ_SECONDS) have passed
    (SIGALRM; the main thread of a process only, where graders run: elsewhere the block runs
    unbounded)."""
    seconds = READ_SECONDS if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def overtime(signum, frame):
        raise ReadTooLong(f"reading this notebook's code took more than {seconds:g} s")

    before = signal.signal(signal.SIGALRM, overtime)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
