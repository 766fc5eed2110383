"""The nbgrader course in its service user's home (nbgrader's "one class, multiple graders"
layout): nbgrader_config.py with the shared exchange, the hub's auth plugin and dlnlp as its
grading engine; each assignment generated with nbgrader, ready for the instructor to release."""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from pathlib import Path

from dlnlp.build.release import generate
from dlnlp.course import Course
from dlnlp.hub.plan import HubPlan
from dlnlp.nbgrader.config import write_nbgrader_config


def _own(top: Path, uid: int, gid: int) -> None:
    os.chown(top, uid, gid)
    for folder, dirs, files in os.walk(top):  # each entry once, as its folder's child
        for name in files + dirs:
            os.chown(Path(folder) / name, uid, gid, follow_symlinks=False)


def make_course_folder(course: Course, plan: HubPlan, say: Callable[[str], None]) -> Path:
    """-> the course folder, owned by the service user, with every assignment generated."""
    root = plan.course_root
    user = pwd.getpwnam(plan.service_user)
    root.mkdir(parents=True, exist_ok=True)
    if written := write_nbgrader_config(root, course.root, plan.course_id, plan.exchange):
        say(f"wrote {written} (the shared exchange, the hub's groups, dlnlp as engine)")
    for a in plan.assignments:
        if not (root / "release" / a / f"{a}.ipynb").is_file():
            say(f"generated {generate(course, a, root)}")
    # nbgrader's docs: the service user's own config names the course folder, so that
    # formgrader and every nbgrader command find it wherever they start
    config = Path(user.pw_dir) / ".jupyter" / "nbgrader_config.py"
    config.parent.mkdir(exist_ok=True)
    config.write_text(
        "# written by `dlnlp hub setup`: this user's course\n"
        f"c = get_config()  # noqa: F821\nc.CourseDirectory.root = {str(root)!r}\n"
    )
    _own(Path(user.pw_dir), user.pw_uid, user.pw_gid)
    os.chmod(user.pw_dir, 0o700)  # the gradebook, the submissions, the feedback: graders' only
    return root
