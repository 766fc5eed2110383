"""A process's memory figures as the kernel keeps them in /proc (nothing a process can rewrite)."""

from __future__ import annotations

from pathlib import Path


def status_kb(field: str, pid: int | str = "self") -> int | None:
    """A kB figure of /proc/PID/status (`VmSize`, `RssAnon`, ...); None where it is not there."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    found = (line.split()[1] for line in lines if line.startswith(f"{field}:"))
    value = next(found, None)
    return int(value) if value is not None and value.isdigit() else None


def address_space_cap(pid: int | str = "self") -> int | None:
    """The soft RLIMIT_AS of a process in bytes, from /proc/PID/limits; None where unlimited or
    unreadable."""
    try:
        lines = Path(f"/proc/{pid}/limits").read_text().splitlines()
    except OSError:
        return None
    cap = next((line.split()[3] for line in lines if line.startswith("Max address space")), "")
    return int(cap) if cap.isdigit() else None
