"""Results -> nbgrader's gradebook, so that `nbgrader export`, formgrader and the manual grading
of written answers work as if nbgrader had autograded the course.

Uses nbgrader's own API (`nbgrader.api.Gradebook`). Each function's score goes to the locked
visible-check cell of that function (grade_id `check_<function>`), whose points `dlnlp build`
set from grader_config.yaml. Written answers (manually graded cells) get no score and are marked
for manual grading. A manual score a grader already gave is kept: nbgrader's `score` prefers it.
"""

from __future__ import annotations

import copy
import hashlib
import re
import shutil
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.errors import DlnlpError
from dlnlp.files import atomic_write
from dlnlp.grade.untrusted import clip
from dlnlp.notebook import by_grade_id, nbgrader_meta
from dlnlp.results import Results


class GradebookError(DlnlpError):
    """The nbgrader course cannot take the scores; the message says what to do."""


def course_directory(root: Path, config=None):
    """nbgrader's CourseDirectory for `root`, with the course's nbgrader_config.py applied
    (or `config`, already loaded)."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    if config is None:
        config = Config()
        if (root / "nbgrader_config.py").is_file():
            config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root.resolve())
    return CourseDirectory(config=config)


def _notebook(assignment, assignment_id: str, root: Path) -> str:
    names = [nb.name for nb in assignment.notebooks]
    if assignment_id in names:
        return assignment_id
    if len(names) == 1:
        return names[0]
    raise GradebookError(
        f"{root}: assignment {assignment_id} has notebooks {names} in the gradebook; "
        f"dlnlp grades one notebook, {assignment_id}.ipynb"
    )


@contextmanager
def open_gradebook(root: Path, assignment_id: str):
    """(gradebook, its assignment, the CourseDirectory), or a GradebookError saying what to
    run first."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    coursedir = course_directory(root)
    first = f"run `dlnlp build {assignment_id} --nbgrader-course {root}` first"
    db_file = coursedir.db_url.removeprefix("sqlite:///")
    if coursedir.db_url.startswith("sqlite:///") and not Path(db_file).is_file():
        raise GradebookError(f"{root}: no gradebook ({db_file}); {first}")
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb, warnings.catch_warnings():
        # nbgrader 0.9.6's add_submission trips SQLAlchemy 2's autoflush warning; it is harmless
        # (nbgrader's own autograde prints it too) and would only alarm the instructor
        warnings.simplefilter("ignore", SAWarning)
        try:
            assignment = gb.find_assignment(assignment_id)
        except MissingEntry:
            raise GradebookError(
                f"{coursedir.db_url}: the gradebook has no assignment {assignment_id!r}; {first}"
            ) from None
        yield gb, assignment, coursedir


def check_course(root: Path, assignment_id: str) -> None:
    """Fail before grading, not after, when the course cannot take the scores."""
    with open_gradebook(root, assignment_id) as (_, assignment, _):
        _notebook(assignment, assignment_id, root)


def record_scores(
    root: Path, assignment_id: str, results: list[Results], out_dir: Path | None = None
) -> Recorded:
    """Write every student's per-function scores into the course's gradebook.

    The gradebook must already know the assignment and its cells: `dlnlp build ID
    --nbgrader-course DIR` (or nbgrader generate_assignment) puts them there. Each student's
    notebook goes through nbgrader's own Autograde converter with dlnlp as its engine
    (engine.py, told not to grade again): the gradebook, autograded/ and its
    check cells' verdicts come out exactly as `nbgrader autograde` or formgrader's button would
    leave them, an unreadable notebook's too. One handed in under another name, which
    nbgrader's converter cannot find, gets its scores written here instead, the same way.

    dlnlp's feedback page goes to feedback/ by `publish_feedback`'s rule. `out_dir`: where the
    grading wrote its results (default: the course's dlnlp/ASSIGNMENT). A student whose notebook
    nbgrader's converter refuses (a cell with a grade_id nbgrader does not know) costs that
    student alone: 0 in the gradebook, with the reason, and the class goes on.
    """
    from dlnlp.grade.collect import student_id
    from dlnlp.nbgrader.engine import results_folder

    out_dir = out_dir or results_folder(root, assignment_id)
    recorded = Recorded()
    with open_gradebook(root, assignment_id) as (_, assignment, coursedir):
        notebook = _notebook(assignment, assignment_id, root)
    names = _nbgrader_ids(coursedir)
    config = coursedir.config  # read once: each student's converter gets a copy
    for r in results:
        # nbgrader's own id (its submitted/ folder), which dlnlp's id maps from
        student = names.get(r.student, r.student)
        submitted = Path(coursedir.format_path("submitted", student, assignment_id))
        # nbgrader's converter reads an unreadable notebook as its release (ReadableExporter)
        converted = r.submission == f"{notebook}.ipynb"
        if converted:
            outcome = _autograde(root, config, assignment_id, student)
            if not outcome["success"]:  # this student only: the class goes on
                why = _refusal(outcome)
                recorded.refused[student] = why
                r = _zeroed(r, f"nbgrader could not take this notebook ({why}): it scores 0")
                converted = False
        if not converted:
            _record_directly(root, assignment_id, notebook, student, r, submitted)
            autograded = Path(coursedir.format_path("autograded", student, assignment_id))
            if autograded.exists():  # nothing of an earlier grading may stay
                shutil.rmtree(autograded)
            if submitted.is_dir():
                # nbgrader's converter cannot take it: the submission as handed in, so that
                # formgrader still shows what there is
                shutil.copytree(submitted, autograded)
            _release_in_place(coursedir, assignment_id, notebook, r, autograded)
        feedback = Path(coursedir.format_path("feedback", student, assignment_id))
        if not publish_feedback(
            r, submitted, feedback / f"{notebook}.html", out_dir / student_id(student)
        ):
            recorded.kept.append(student)
    return recorded


@dataclass
class Recorded:
    """What `record_scores` could not do as asked, student by student."""

    kept: list[str] = field(default_factory=list)  # their feedback page is not dlnlp's: kept
    refused: dict[str, str] = field(default_factory=dict)  # nbgrader's converter refused: why


def _refusal(outcome: dict) -> str:
    """Why nbgrader's converter refused a notebook, in one line from its log."""
    said = f"{outcome.get('log', '')}\n{outcome.get('error', '')}"
    found = re.findall(r"^\s*[\w.]*(?:Error|Exception): (.+)$", said, re.MULTILINE)
    why = found[0] if found else "see grading.log"
    return clip(why, 200)


def _zeroed(r: Results, why: str) -> Results:
    """`r` with every check at 0 and `why` first among the notebook's problems."""
    zero = r.model_copy(deep=True)
    for t in zero.tests:
        t.score = 0.0
    for f in zero.functions:
        f.score = 0.0
    zero.problems.insert(0, why)
    return zero.add_up()


def _autograde(root: Path, course_config, assignment_id: str, student: str) -> dict:
    """nbgrader's Autograde converter on one student, as `nbgrader autograde` runs it, with
    dlnlp as its engine reading the results just written (whatever the course's own
    nbgrader_config.py says about autograding). -> nbgrader's {success, log, error}."""
    from nbgrader.converters import Autograde
    from nbgrader.utils import capture_log

    from dlnlp.nbgrader.engine import AUTOGRADE_PREPROCESSORS, EXPORTER

    config = copy.deepcopy(course_config)
    config.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
    config.Autograde.exporter_class = EXPORTER
    config.GradeWithDlnlp.regrade = False
    config.CourseDirectory.assignment_id = assignment_id
    config.CourseDirectory.student_id = student
    app = Autograde(coursedir=course_directory(root, config), config=config)
    app.force, app.create_student = True, True
    app.log.setLevel("ERROR")  # its warnings ("Removing existing assignment") are routine here
    with warnings.catch_warnings():
        # nbgrader 0.9.6 trips SQLAlchemy 2's autoflush warning (see open_gradebook)
        from sqlalchemy.exc import SAWarning

        warnings.simplefilter("ignore", SAWarning)
        return capture_log(app)


def _release_in_place(coursedir, assignment_id: str, notebook: str, r: Results, autograded: Path):
    """The autograded/ notebook of a submission nbgrader's converter could not take (unreadable,
    or refused): the course's release with each check cell saying why it scored 0, so that
    formgrader shows the reason and generate_feedback does not stop at it."""
    import nbformat

    from dlnlp.nbgrader.check_outputs import annotate

    released = Path(coursedir.format_path(coursedir.release_directory, ".", assignment_id))
    released /= f"{notebook}.ipynb"
    if (r.status != "unreadable" and not r.problems) or not released.is_file():
        return
    nb = nbformat.read(released, as_version=4)
    annotate(nb, r)
    autograded.mkdir(parents=True, exist_ok=True)
    target = autograded / f"{notebook}.ipynb"
    target.unlink(missing_ok=True)
    nbformat.write(nb, target)


def _record_directly(
    root: Path, assignment_id: str, notebook: str, student: str, r: Results, submitted: Path
) -> None:
    """The gradebook rows nbgrader's converter would write, for a notebook it cannot read:
    each check cell dlnlp's score (0 for an unreadable notebook), each written answer 0 with
    "No response." when unchanged, else left for a person to grade."""
    from nbgrader.utils import compute_checksum, parse_utc

    with open_gradebook(root, assignment_id) as (gb, assignment, _):
        cells = next(nb for nb in assignment.notebooks if nb.name == notebook).grade_cells
        stamp = submitted / "timestamp.txt"
        extra = {"timestamp": parse_utc(stamp.read_text().strip())} if stamp.is_file() else {}
        gb.update_or_create_student(student)
        gb.update_or_create_submission(assignment_id, student, **extra)
        scores = {f"check_{f.name}": f.score for f in r.functions}
        answers = _answers(submitted / r.submission) if r.submission else {}
        for cell in cells:
            grade = gb.find_grade(cell.name, notebook, assignment_id, student)
            if cell.name.startswith("check_"):
                # an unreadable notebook has no functions: it scores 0 on each
                grade.auto_score = scores.get(cell.name, 0.0)
            else:  # a written answer: nbgrader's rule (unchanged -> 0, else for a person)
                comment = gb.find_comment(cell.name, notebook, assignment_id, student)
                answer = answers.get(cell.name)
                unchanged = answer is None or _unchanged(answer, compute_checksum)
                grade.auto_score = 0.0 if unchanged else None
                comment.auto_comment = "No response." if unchanged else None
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        gb.db.commit()


def _nbgrader_ids(coursedir) -> dict[str, str]:
    """dlnlp's student id -> nbgrader's, for each folder of submitted/ (a name such as
    "José" or ".bob" is graded under a safe id of its own: see `collect.student_id`)."""
    from dlnlp.grade.collect import student_id

    folder = Path(coursedir.root) / coursedir.submitted_directory
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return {student_id(name): name for name in names}


def _answers(path: Path) -> dict:
    """grade_id -> the student's manually graded cells (none when the notebook is unreadable)."""
    import nbformat

    try:  # the notebook is the student's: unreadable, or of any shape
        return by_grade_id(nbformat.read(path, as_version=4).cells)
    except Exception:
        return {}


def _unchanged(cell, compute_checksum) -> bool:
    """Is the answer cell as released (nbgrader's checksum test for "No response.")?"""
    try:
        return nbgrader_meta(cell).get("checksum") == compute_checksum(cell)
    except Exception:  # a cell the student broke: a person will look at it anyway
        return False


# beside each student's results: the sha256 of the page dlnlp last put in feedback/
PUBLISHED = "feedback-published.sha256"


def publish_feedback(r: Results, submitted: Path, page: Path, results_dir: Path) -> bool:
    """Put dlnlp's feedback page at `page` (feedback/STUDENT/ID/NOTEBOOK.html), where `nbgrader
    release_feedback` hands it to the student, if the rule allows. -> False when a page was
    kept instead.

    The rule: dlnlp writes its page there only when there is none, or when the page there is
    the one dlnlp itself put there last (its sha256 is kept in `results_dir`, the trusted side's
    folder). Any other page, nbgrader's Generate Feedback (which carries a TA's manual scores
    and comments) or one a person made, is never replaced; dlnlp's page stays in `results_dir`.
    """
    from dlnlp.render.feedback import render_feedback

    # release_feedback reads the submission's timestamp and secret from the feedback folder
    # (nbgrader's collect writes both) and stops the whole class at one without them: a
    # submission copied in by hand keeps its page in COURSE/dlnlp/<id>/<student>/ only
    handed_in = [submitted / "timestamp.txt", submitted / "submission_secret.txt"]
    if not all(p.is_file() for p in handed_in):
        return True
    mark = results_dir / PUBLISHED
    if page.exists():
        ours = mark.read_text(encoding="ascii").strip() if mark.is_file() else None
        if _sha256(page.read_bytes()) != ours:
            return False
    html = render_feedback(r)
    page.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(page, html)
    atomic_write(mark, _sha256(html.encode("utf-8")) + "\n")
    for p in handed_in:
        shutil.copy2(p, page.parent / p.name)
    return True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
