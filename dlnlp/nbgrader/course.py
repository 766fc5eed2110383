"""Grade an nbgrader course in place: its submitted/<student>/<assignment>/ in, each
function's score out to its gradebook (gradebook.py), so that formgrader, `nbgrader
export` and `nbgrader release_feedback` work as if nbgrader had autograded it. What `dlnlp grade
--nbgrader-course DIR` runs, callable from Python as well."""

from __future__ import annotations

import logging
from pathlib import Path

from dlnlp.course import Course
from dlnlp.errors import DlnlpError
from dlnlp.grade.batch import Options, grade_batch

# where a course's dlnlp results go unless told otherwise (DIR/dlnlp/ASSIGNMENT): the one place
# that says it is the engine's, which nbgrader's own autograde reads from as well
from dlnlp.nbgrader.engine import results_folder as default_out
from dlnlp.nbgrader.gradebook import check_course, record_scores
from dlnlp.results import Results

log = logging.getLogger("dlnlp.grade")


def _listed(names: list[str], shown: int = 10) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


class NotACourse(DlnlpError):
    """The folder given as an nbgrader course is not one."""


def grade_course(
    course: Course,
    assignment_id: str,
    root: Path,
    paths: list[Path] | None = None,
    out_dir: Path | None = None,
    options: Options | None = None,
) -> list[Results]:
    """Grade `paths` (default: root/submitted) into `out_dir` (default: `default_out`) and
    write every student's scores into the gradebook of the nbgrader course `root`.

    Checks that the course can take the scores before grading, not after."""
    if not (root / "submitted").is_dir():
        raise NotACourse(
            f"{root}: no submitted/ folder; is it an nbgrader course? "
            "(nbgrader collect puts submissions in submitted/<student>/<assignment>/)"
        )
    check_course(root, assignment_id)
    out_dir = out_dir or default_out(root, assignment_id)
    results = grade_batch(course, assignment_id, paths or [root / "submitted"], out_dir, options)
    recorded = record_scores(root, assignment_id, results, out_dir)
    if recorded.kept:
        log.warning(
            "feedback/: kept the page %d student(s) already have, not dlnlp's (%s): it was not "
            "written by dlnlp (nbgrader's Generate Feedback, with your manual scores and "
            "comments, or your own). dlnlp's page is in %s/STUDENT/feedback.html; Generate "
            "Feedback again to bring yours up to date.",
            len(recorded.kept),
            _listed(recorded.kept),
            out_dir,
        )
    for student, why in recorded.refused.items():
        log.warning(
            "%s: nbgrader could not take this notebook (%s); it is recorded with 0 in the "
            "gradebook. Fix the notebook in submitted/%s (e.g. remove a cell whose nbgrader "
            "metadata was added or changed), then grade again.",
            student,
            why,
            student,
        )
    return results
