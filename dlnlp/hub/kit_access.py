"""Who may read the kit on a shared machine. The kit's folder holds what no student may see:
the hidden tests (autograder/), the references (solutions/), complete solutions among the
samples (examples/) and the kit's own tests (tests/mutants, tests/alternatives). An allowlist:
everyone may pass through the kit's folder (not list it) into the venv, which every person's
server runs; everything else is the graders' group's alone (read, never write)."""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Callable
from pathlib import Path

PUBLIC = (".venv",)  # Python, torch, JupyterLab, nbgrader, the hub's proxy: every server's


def _graders_only(path: Path, gid: int) -> None:
    """path: group `gid`, who may read it (and enter it when a folder); others nothing."""
    info = path.lstat()
    os.chown(path, -1, gid, follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        return  # a link has no mode of its own; what it points to is checked where it lies
    mode = stat.S_IMODE(info.st_mode) & ~0o077 & ~stat.S_ISUID & ~stat.S_ISGID
    mode |= stat.S_IRGRP | (stat.S_IXGRP if info.st_mode & stat.S_IXUSR else 0)
    os.chmod(path, mode)


def restrict_kit(kit: Path, group: str, say: Callable[[str], None]) -> list[str]:
    """Apply the allowlist to `kit` (the repository). -> the top-level entries now closed."""
    gid = grp.getgrnam(group).gr_gid
    os.chown(kit, -1, gid)
    os.chmod(kit, 0o751)  # others: through to .venv, no listing
    closed = []
    for entry in sorted(kit.iterdir()):
        if entry.name in PUBLIC:
            continue
        _graders_only(entry, gid)
        if entry.is_dir() and not entry.is_symlink():
            for folder, dirs, files in os.walk(entry):
                for name in dirs + files:
                    _graders_only(Path(folder) / name, gid)
        closed.append(entry.name)
    say(
        f"{kit}: only the group {group} may read {', '.join(closed)}; others reach {', '.join(PUBLIC)}"
    )
    return closed
