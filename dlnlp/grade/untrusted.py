"""Text that comes from a student's code, made safe to keep and show: bounded, printable.

Everything the worker sends is the student's to choose, including what a well-behaved worker
would have cut already (a forged reply skips the worker's own caps). So the trusted side cuts
again, to sizes documented in the README:

| text                                 | at most                                  |
|--------------------------------------|------------------------------------------|
| an error message, a note, a problem  | MESSAGE characters                       |
| an exception's type name             | NAME characters                          |
| a traceback                          | TRACEBACK characters, its last lines     |
| problems reported when loading       | PROBLEMS of them                         |
| a hidden check's output (in Results) | OUTPUT characters                        |
"""

from __future__ import annotations

import re

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
