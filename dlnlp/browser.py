"""The system's Chromium, which renders written answers to PDF (and the kit's browser tests).

Never downloaded: playwright's own browser download would need the network. Debian's package is
`chromium`; `DLNLP_CHROMIUM` names another binary.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ENV = "DLNLP_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of a Chromium binary, or None when the machine has none."""
    named = os.environ.get(ENV)
    if named:
        return shutil.which(named) or (named if os.access(named, os.X_OK) else None)
    return next((p for p in map(shutil.which, _NAMES) if p), None)


def launch_args() -> list[str]:
    """Chromium refuses to start as root with its sandbox on (CI and containers run as root)."""
    return ["--no-sandbox"] if os.geteuid() == 0 else []


def _parents() -> dict[int, int]:
    """pid -> parent pid of every live process (zombies left out), from /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        try:
            # the command name (field 2) may hold spaces or ")": state and parent follow the last ")"
            state, ppid = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[:2]
        except (ValueError, OSError, IndexError):  # gone meanwhile, or not a process
            continue
        if entry.isdigit() and state != "Z":
            found[int(entry)] = int(ppid)
    return found


def children() -> set[int]:
    """This process's live child processes."""
    me = os.getpid()
    return {pid for pid, ppid in _parents().items() if ppid == me}


def descendants(pids: set[int]) -> set[int]:
    """Every live descendant of `pids`, by parent links: a browser that a process started, and
    only that one, can then be killed (never anything found by its name)."""
    parents, frontier = _parents(), set(pids)
    found: set[int] = set()
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


MISSING = (
    "no Chromium found: install it (Debian/Ubuntu: `apt install chromium`) "
    f"or set {ENV} to its path"
)
