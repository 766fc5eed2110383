"""The nbgrader course's own configuration, written once by `dlnlp build --nbgrader-course`.

Without a `nbgrader_config.py` every nbgrader command warns, the course has no id, and the
exchange is the system-wide /srv/nbgrader/exchange, which formgrader reports as missing on a
machine without it. The file written here gives the course an id (its folder's name) and an
exchange inside the course folder (`exchange/`), found from the file's own location, so the
folder can be moved. An existing file is the instructor's: it is never rewritten.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """\
# Written by `dlnlp build --nbgrader-course` once; edit freely: dlnlp never rewrites this file.
import os

c = get_config()  # noqa: F821 - nbgrader's config loader provides it
c.CourseDirectory.course_id = {course_id!r}
# a course-local exchange (release_assignment, fetch_assignment, submit, collect, feedback):
# no system-wide /srv/nbgrader/exchange needed; beside this file, wherever the folder moves
c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
"""


def write_nbgrader_config(root: Path) -> Path | None:
    """Write root/nbgrader_config.py unless there is one. -> its path, or None when kept."""
    path = root / "nbgrader_config.py"
    if path.exists():
        return None
    path.write_text(TEMPLATE.format(course_id=root.resolve().name), encoding="utf-8")
    return path
