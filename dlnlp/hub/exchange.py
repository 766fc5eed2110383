"""nbgrader's shared exchange on a hub. nbgrader's docs make the root writable by everyone
(`chmod ugo+rw`); here it is also sticky, so that nobody can rename or remove what another
made in it, and the course's folder is made now, by its own user, so that no student can
create it first and release their own "assignment" to the class."""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from pathlib import Path

from dlnlp.hub.plan import HubError


def make_exchange(root: Path, course_id: str, owner: str, say: Callable[[str], None]) -> Path:
    """-> root/course_id, owned by `owner`, readable by all (nbgrader's release writes in it)."""
    root.mkdir(parents=True, exist_ok=True)
    os.chown(root, 0, 0)
    os.chmod(root, 0o1777)  # nbgrader's check reads mode & 0o777 == 0o777: the sticky bit passes
    course = root / course_id
    user = pwd.getpwnam(owner)
    if course.exists():
        if course.is_symlink() or course.stat().st_uid != user.pw_uid:
            raise HubError(
                f"{course} exists and is not {owner}'s (made by someone else before the course "
                "was set up?): look at what is in it, remove it, and run this again"
            )
    else:
        course.mkdir()
        os.chown(course, user.pw_uid, user.pw_gid)
        say(f"made the course's exchange folder {course} (owner {owner})")
    os.chmod(course, 0o755)
    return course
