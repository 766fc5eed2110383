"""dlnlp as nbgrader's autograde engine: the preprocessor that takes the place of nbgrader's
`Execute` in `Autograde.autograde_preprocessors` (nbgrader_config.py, written by `dlnlp build
--nbgrader-course`), so that `nbgrader autograde` and formgrader's Autograde button grade with
dlnlp's sandboxed hidden tests instead of running the student's notebook in a kernel.

nbgrader's converter sanitizes the submission (its outputs cleared, the locked cells restored
from the source), then hands it here; this preprocessor gets the student's Results from dlnlp
and writes each function's verdict into its check cell (check_outputs.py). nbgrader's own
SaveAutoGrades, next in the list, then stores those scores, so the gradebook is written by
nbgrader's code whichever command graded: `dlnlp grade --nbgrader-course` runs this same
converter with `regrade` off, after grading the whole class in one batch.

The student's code never runs in this process (formgrader's, when its button is pressed): the
grading is a `dlnlp grade` child, whose own sandbox runs the student's code, and what comes back
is the grading record that trusted child wrote.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader import preprocessors as nbgrader_preprocessors
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Int, List, Unicode

from dlnlp.errors import DlnlpError
from dlnlp.grade.collect import student_id
from dlnlp.grade.resume import load_record, submission_digest
from dlnlp.nbgrader.check_outputs import annotate
from dlnlp.results import Results

ENGINE = "dlnlp.nbgrader.engine.GradeWithDlnlp"
# the exporter nbgrader's Autograde reads each submission with (Autograde.exporter_class)
EXPORTER = "dlnlp.nbgrader.engine.ReadableExporter"
# generate_feedback's preprocessors: nbgrader's, with hidden tests cleared (nbgrader shows them)
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "dlnlp.nbgrader.engine.ClearHiddenTests",
]
# nbgrader 0.9.6's default list, with dlnlp in place of Execute (the rest is nbgrader's own)
AUTOGRADE_PREPROCESSORS = [
    ENGINE,
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


class EngineError(DlnlpError):
    """dlnlp could not grade a submission for nbgrader; the message says why."""


def results_folder(course_root: Path, assignment: str) -> Path:
    """Where a course's dlnlp results go: DIR/dlnlp/ASSIGNMENT (one folder per student)."""
    return course_root / "dlnlp" / assignment


class ReadableExporter(NotebookExporter):
    """nbgrader's own notebook exporter, which also takes a notebook nbformat cannot read.

    nbgrader's Autograde removes the student's autograded/ folder first (`--force`, or a newer
    submission), then stops at a notebook it cannot parse (cut off in transit, not JSON) with a
    traceback: the student is left with no autograded notebook, "needs autograding" and no
    feedback. Read through this exporter (Autograde.exporter_class), such a notebook stands in
    as the course's release of it, so the converter goes on: GradeWithDlnlp writes dlnlp's
    verdict on the unreadable file into each check cell (0, and why), the written answers are
    nbgrader's "No response.", and a TA's manual scores and comments stay in the gradebook.
    """

    def from_file(self, file_stream, resources=None, **kw):
        try:
            nb = nbformat.read(file_stream, as_version=4)
        except Exception as e:  # the student's file: any way of being unreadable
            release = self._release(resources)
            if release is None:
                raise
            name = getattr(file_stream, "name", "the notebook")
            self.log.warning("%s: unreadable (%.200s): graded as its release", name, e)
            nb = nbformat.read(release, as_version=4)
        return self.from_notebook_node(nb, resources=resources, **kw)

    def _release(self, resources) -> Path | None:
        info = (resources or {}).get("nbgrader", {})
        coursedir = getattr(self.parent, "coursedir", None)
        if coursedir is None or not info.get("assignment"):
            return None
        folder = coursedir.format_path(coursedir.release_directory, ".", info["assignment"])
        path = Path(folder) / f"{info['notebook']}.ipynb"
        return path if path.is_file() else None


class ClearHiddenTests(nbgrader_preprocessors.ClearHiddenTests):
    """nbgrader's ClearHiddenTests for generate_feedback, without the warning it logs there.

    nbconvert's HTML exporter configures `NbConvertBase.display_data_priority`, which nbgrader's
    preprocessors redeclare without `config=True`; traitlets then warns ("Config option
    `display_data_priority` not recognized by `ClearHiddenTests`") on every Generate Feedback.
    Declared configurable here, the option is taken and nothing else changes."""

    display_data_priority = List(
        nbgrader_preprocessors.ClearHiddenTests.display_data_priority.default()
    ).tag(config=True)


class GradeWithDlnlp(NbGraderPreprocessor):
    """Grade the submission with dlnlp and write each function's verdict into its check cell."""

    kit_root = Unicode(
        "", help="The dlnlp course repository (grader_config.yaml); default: found by dlnlp"
    ).tag(config=True)
    regrade = Bool(
        True,
        help="Grade the student now (a `dlnlp grade` child). False: use the results `dlnlp "
        "grade --nbgrader-course` has just written (it runs nbgrader's converter that way).",
    ).tag(config=True)
    timeout = Int(3600, help="Seconds one student's grading may take in all.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        student, assignment, notebook = info["student"], info["assignment"], info["notebook"]
        coursedir = self._coursedir()
        root = Path(coursedir.root)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        out = results_folder(root, assignment)
        if self.regrade:
            self._grade(assignment, student, root / coursedir.submitted_directory, out)
        results = self._results(out, student, submitted / f"{notebook}.ipynb")
        annotate(nb, results)
        return nb, resources

    def _coursedir(self):
        # the converter that registered this preprocessor (through its exporter) knows the course,
        # as formgrader and the CLI set it up; a bare exporter gets one from the config
        converter = getattr(self.parent, "parent", None)
        if getattr(converter, "coursedir", None) is not None:
            return converter.coursedir
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config)

    def _grade(self, assignment: str, student: str, submitted: Path, out: Path) -> None:
        """`dlnlp grade ASSIGNMENT submitted/ --student STUDENT --out OUT`, in a child process."""
        command = [sys.executable, "-m", "dlnlp", "grade", assignment, str(submitted)]
        command += ["--student", student, "--out", str(out), "--jobs", "1"]
        command += ["--root", self.kit_root] if self.kit_root else []
        self.log.info("grading %s with dlnlp: %s", student, " ".join(command))
        try:
            proc = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"dlnlp did not finish grading {student} in {self.timeout} s "
                "(GradeWithDlnlp.timeout in nbgrader_config.py)"
            ) from None
        if proc.returncode != 0:
            said = (proc.stderr.strip() or proc.stdout.strip())[-2000:]
            raise EngineError(f"dlnlp could not grade {student} ({assignment}): {said}")

    def _results(self, out: Path, student: str, notebook: Path) -> Results:
        """The student's Results from the grading record dlnlp wrote, checked to be of this very
        notebook (never a stale record of an earlier submission)."""
        record = load_record(out / student_id(student))
        if record is None:
            raise EngineError(
                f"{out / student_id(student)}: no dlnlp grading record for {student}; grade "
                f"again (formgrader's Autograde, or dlnlp grade --nbgrader-course)"
            )
        if record.fingerprint.submission != submission_digest(notebook):
            raise EngineError(f"{notebook}: changed since dlnlp graded it; grade {student} again")
        return record.results
