"""The Unix side of a course: its service user and the graders' group, created when missing;
the people's accounts must exist (the hub logs them in with PAM), and their homes are made
private, since Debian's useradd leaves a home readable by everyone (UMASK 022)."""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
from collections.abc import Callable
from pathlib import Path

from dlnlp.hub.plan import HubError


def _run(*command: str) -> None:
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise HubError(f"{' '.join(command)} failed: {proc.stderr.strip() or proc.stdout.strip()}")


def require_people(names: list[str]) -> None:
    """Every person must have a Unix account: the hub's PAM login and its spawner use it."""
    missing = []
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            missing.append(name)
    if missing:
        raise HubError(
            f"no Unix account for {', '.join(missing)}: create each with `useradd -m NAME` and "
            "`passwd NAME` (they log in to the hub with that password), then run this again"
        )


def ensure_group(name: str, say: Callable[[str], None]) -> None:
    """Create `name` as a system group when it is missing."""
    try:
        grp.getgrnam(name)
    except KeyError:
        _run("groupadd", "--system", name)
        say(f"created the group {name}")


def ensure_service_user(name: str, home: Path, group: str, say: Callable[[str], None]) -> None:
    """The course's own user: a system account with a home and no password (nobody logs in as
    it; the hub starts formgrader as it), in the graders' group."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        _run("useradd", "--system", "--create-home", "--home-dir", str(home), "--shell",
             "/bin/bash", name)  # fmt: skip
        say(f"created the course's user {name} (home {home})")
    if name not in grp.getgrnam(group).gr_mem:
        _run("usermod", "--append", "--groups", group, name)


def private_home(name: str, say: Callable[[str], None]) -> None:
    """Others may not read or enter `name`'s home (their notebooks, their submissions' cache)."""
    home = Path(pwd.getpwnam(name).pw_dir)
    if home.is_dir() and home.stat().st_mode & 0o077:
        os.chmod(home, 0o700)
        say(f"made {home} private (mode 700): others could read it")
