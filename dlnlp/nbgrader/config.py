"""The nbgrader course's own configuration, written once by `dlnlp build --nbgrader-course`.

Without a `nbgrader_config.py` every nbgrader command warns, the course has no id, and the
exchange is the system-wide /srv/nbgrader/exchange, which formgrader reports as missing on a
machine without it. The file written here gives the course an id (its folder's name) and an
exchange inside the course folder (`exchange/`), found from the file's own location, so the
folder can be moved. It also makes dlnlp nbgrader's grading engine, through nbgrader's own
configuration (no fork): `nbgrader autograde` and formgrader's Autograde button grade with
dlnlp's hidden tests (engine.py), `nbgrader export` rounds its scores
(export.py), and formgrader's maths comes from the local MathJax.
An existing file is the instructor's: it is never rewritten (`ENGINE_LINES` says what to add).
"""

from __future__ import annotations

from pathlib import Path

from dlnlp.nbgrader.engine import AUTOGRADE_PREPROCESSORS, EXPORTER, FEEDBACK_PREPROCESSORS

# dlnlp's nbconvert templates (its MathJax macro), a base folder as nbconvert's template lookup
# takes it: a template named `base` is looked for in TEMPLATES/base first
TEMPLATES = Path(__file__).resolve().parents[1] / "render" / "templates" / "nbconvert"

ENGINE_LINES = """\
# dlnlp grades: nbgrader autograde (and formgrader's Autograde button) runs dlnlp's sandboxed
# hidden tests instead of executing the notebook; nbgrader's SaveAutoGrades stores the scores
c.Autograde.autograde_preprocessors = {preprocessors}
# an unreadable notebook is graded (0, and why) instead of stopping autograde with its grade gone
c.Autograde.exporter_class = {exporter!r}
c.GradeWithDlnlp.kit_root = {kit_root!r}  # the dlnlp repository (grader_config.yaml)
# feedback never shows hidden tests; `nbgrader export` rounds scores to two decimals
c.GenerateFeedback.preprocessors = {feedback}
c.ExportApp.plugin_class = "dlnlp.nbgrader.export.RoundedCsvExport"
# formgrader's maths from the server's own MathJax (offline), the CDN only as a fallback: dlnlp's
# MathJax macro first, then nbgrader's own formgrader and feedback templates
import nbgrader  # noqa: E402

c.HTMLExporter.extra_template_basedirs = [
    {templates!r},
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]
"""

TEMPLATE = """\
# Written by `dlnlp build --nbgrader-course` once; edit freely: dlnlp never rewrites this file.
import os

c = get_config()  # noqa: F821 - nbgrader's config loader provides it
c.CourseDirectory.course_id = {course_id!r}
# a course-local exchange (release_assignment, fetch_assignment, submit, collect, feedback):
# no system-wide /srv/nbgrader/exchange needed; beside this file, wherever the folder moves
c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
"""

# on a JupyterHub (`dlnlp hub setup`): the machine's shared exchange, and the course's students
# are the hub's group nbgrader-<course> (nbgrader's JupyterHub auth plugin asks the hub)
HUB_TEMPLATE = """\
# Written by `dlnlp hub setup` once; edit freely: dlnlp never rewrites this file.
import os

c = get_config()  # noqa: F821 - nbgrader's config loader provides it
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.Exchange.root = {exchange!r}  # the hub's shared exchange
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
"""


def engine_lines(kit_root: Path) -> str:
    """The lines that make dlnlp an nbgrader course's grading engine."""

    def listed(names: list[str]) -> str:
        return "[" + "".join(f"\n    {p!r}," for p in names) + "\n]"

    return ENGINE_LINES.format(
        preprocessors=listed(AUTOGRADE_PREPROCESSORS),
        feedback=listed(FEEDBACK_PREPROCESSORS),
        exporter=EXPORTER,
        kit_root=str(kit_root),
        templates=str(TEMPLATES),
    )


def write_nbgrader_config(
    root: Path, kit_root: Path, course_id: str | None = None, exchange: Path | None = None
) -> Path | None:
    """Write root/nbgrader_config.py unless there is one. -> its path, or None when kept.
    The course id is the folder's name unless given; the exchange is course-local unless
    `exchange` (a hub's shared one) is given."""
    path = root / "nbgrader_config.py"
    if path.exists():
        return None
    course_id = course_id or root.resolve().name
    head = (
        HUB_TEMPLATE.format(course_id=course_id, exchange=str(exchange))
        if exchange
        else TEMPLATE.format(course_id=course_id)
    )
    text = head + engine_lines(kit_root.resolve())
    path.write_text(text, encoding="utf-8")
    return path


def uses_engine(root: Path) -> bool:
    """Does the course's nbgrader_config.py make dlnlp its autograde engine?"""
    path = root / "nbgrader_config.py"
    return path.is_file() and "GradeWithDlnlp" in path.read_text(encoding="utf-8", errors="replace")
