"""Does an nbgrader course work unchanged around dlnlp? `dlnlp build --nbgrader-course` puts the
assignment into its gradebook, `dlnlp grade --nbgrader-course` grades submitted/ and records each
function's score on its locked check cell, and nbgrader's own `export` then shows those scores,
plus the manual scores a TA gives the written answers."""

from __future__ import annotations

import csv
import json
import shutil

import nbformat
import pytest
from click.testing import CliRunner

from conftest import REPO, release
from dlnlp.build.release import nbgrader
from dlnlp.cli import main

ASSIGNMENT = "attention"
# and "cy": the untouched release, "dee": an unreadable notebook
SAMPLES = {"ada": "perfect.ipynb", "ben": "partial.ipynb"}


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _forged():
    """The untouched release with every check cell claiming full marks, as nbgrader reads a
    score (an execute_result) and as dlnlp's verdict reads, and one worth 100 points."""
    nb = release(ASSIGNMENT)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id", "").startswith("check_"):
            meta["points"] = 100
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout", text="✓ dlnlp: scored 100\n"),
                nbformat.v4.new_output("execute_result", data={"text/plain": "100"}),
            ]
    return nb


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """A course graded by dlnlp: (course folder, {student: Results as results.json says})."""
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "dlnlp-test"\n'
    )
    _run("build", ASSIGNMENT, "--nbgrader-course", str(root))
    for student, sample in [
        *SAMPLES.items(),
        ("cy", None),
        ("dee", b'{"cells": ['),
        ("eve", _forged()),
    ]:
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        if isinstance(sample, str):
            shutil.copy(REPO / "examples" / ASSIGNMENT / sample, folder / f"{ASSIGNMENT}.ipynb")
        elif isinstance(sample, bytes):  # cut off in transit: unreadable
            (folder / f"{ASSIGNMENT}.ipynb").write_bytes(sample)
        elif sample is not None:
            nbformat.write(sample, folder / f"{ASSIGNMENT}.ipynb")
        else:
            nbformat.write(release(ASSIGNMENT), folder / f"{ASSIGNMENT}.ipynb")
        if student != "eve":  # copied in by hand, not collected: no timestamp, no secret
            (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
            (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
    _run("grade", ASSIGNMENT, "--nbgrader-course", str(root))
    return root


def _export(root) -> dict[str, dict]:
    proc = nbgrader("export", root=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(root / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def _our_scores(root) -> dict[str, float]:
    """student -> the score in the results.json dlnlp wrote."""
    out = root / "dlnlp" / ASSIGNMENT
    return {p.parent.name: json.loads(p.read_text())["score"] for p in out.glob("*/results.json")}


def test_nbgrader_export_shows_the_kits_scores(graded_course):
    """Does `nbgrader export` report, for every student, the total dlnlp gave?"""
    exported, ours = _export(graded_course), _our_scores(graded_course)
    assert set(exported) == {"ada", "ben", "cy", "dee", "eve"}
    for student, score in ours.items():
        assert float(exported[student]["raw_score"]) == pytest.approx(score, abs=1e-4)
    assert ours["ada"] == 10 and 0 < ours["ben"] < 10 and ours["cy"] == ours["dee"] == 0
    # the forged outputs and points never count: the stubs score 0, out of the real 14
    assert float(exported["eve"]["raw_score"]) == ours["eve"] == 0
    assert float(exported["eve"]["max_score"]) == 14
    graded = nbformat.read(
        graded_course / "autograded" / "eve" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4
    )
    said = [o for c in graded.cells for o in c.get("outputs", [])]
    assert said and not any("scored 100" in str(o.get("text", "")) for o in said)
    assert all(o["data"]["text/plain"] == "0.0" for o in said if "data" in o)


def test_scores_sit_on_each_functions_locked_check_cell(graded_course):
    """Is each function's score recorded against check_<function>, and are written answers left
    for a person to grade when there is one?"""
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    coursedir = course_directory(graded_course)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ben")
        grades = {g.name: g for g in nb.grades}
        checks = {n: g for n, g in grades.items() if n.startswith("check_")}
        assert set(checks) == {
            "check_scaled_dot_product_attention",
            "check_causal_mask",
            "check_multi_head_attention",
            "check_sinusoidal_positional_encoding",
        }
        assert all(g.auto_score is not None and not g.needs_manual_grade for g in checks.values())
        assert sum(g.auto_score for g in checks.values()) == pytest.approx(
            _our_scores(graded_course)["ben"], abs=1e-4
        )

        def written(student):
            nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            return [(g.auto_score, g.needs_manual_grade) for g in nb.grades if g.name not in checks]

        # nbgrader's rule for written answers: an answer waits for a person; an answer left as
        # released (cy) or a notebook that cannot be read (dee) is 0 with no one to look at it
        assert written("ada") and all(w == (None, True) for w in written("ada"))
        assert all(w == (0, False) for w in written("cy") + written("dee"))


def test_a_manual_score_on_a_written_answer_counts_and_survives_a_regrade(graded_course):
    """After a TA grades a written answer in the gradebook, does export add it, and does a
    forced re-grade by dlnlp keep it?"""
    from nbgrader.api import Gradebook

    from dlnlp.nbgrader.gradebook import course_directory

    coursedir = course_directory(graded_course)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada")
        written = [g for g in nb.grades if not g.name.startswith("check_")]
        if not written:
            pytest.skip("this assignment has no written questions")
        written[0].manual_score = 1.0
        gb.db.commit()
    _run("grade", ASSIGNMENT, "--nbgrader-course", str(graded_course), "--force")
    assert float(_export(graded_course)["ada"]["raw_score"]) == pytest.approx(10 + 1.0)


def test_formgrader_and_feedback_find_the_submission(graded_course):
    """Are the notebook in autograded/ (formgrader's manual grading reads it) and the feedback
    in feedback/ (nbgrader release_feedback hands it out)?"""
    for student in ("ada", "ben", "cy", "dee"):
        assert (
            graded_course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        ).is_file()
        page = graded_course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert "feedback" in page.read_text()


def test_release_feedback_works_when_one_submission_has_no_timestamp(graded_course):
    """nbgrader's release_feedback stops at a feedback folder without the submission's
    timestamp and secret: does a submission copied in by hand (eve) keep its page out of
    feedback/, so that everyone else's goes out?"""
    assert not (graded_course / "feedback" / "eve").exists()
    (graded_course / "exchange").mkdir(exist_ok=True)
    exchange = f"--Exchange.root={graded_course / 'exchange'}"  # this course's config has none
    proc = nbgrader("release_feedback", ASSIGNMENT, exchange, root=graded_course)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (graded_course / "dlnlp" / ASSIGNMENT / "eve" / "feedback.html").is_file()


def test_a_course_without_the_assignment_gets_a_clear_error(tmp_path):
    """Grading into a gradebook that does not know the assignment: does the error say what to run?"""
    folder = tmp_path / "submitted" / "ada" / ASSIGNMENT
    folder.mkdir(parents=True)
    shutil.copy(REPO / "examples" / ASSIGNMENT / "perfect.ipynb", folder / f"{ASSIGNMENT}.ipynb")
    result = CliRunner().invoke(main, ["grade", ASSIGNMENT, "--nbgrader-course", str(tmp_path)])
    assert result.exit_code == 1
    assert f"dlnlp build {ASSIGNMENT} --nbgrader-course" in result.output


@pytest.fixture(scope="module")
def fresh_course(tmp_path_factory):
    """A course folder that had nothing in it before `dlnlp build --nbgrader-course`."""
    root = tmp_path_factory.mktemp("fresh") / "nlp-2026"
    output = _run("build", "foundations", "--nbgrader-course", str(root))
    return root, output


def test_build_gives_a_new_course_its_config_with_an_id_and_a_local_exchange(fresh_course):
    root, output = fresh_course
    config = root / "nbgrader_config.py"
    assert "wrote" in output and config.is_file()
    text = config.read_text()
    assert "c.CourseDirectory.course_id = 'nlp-2026'" in text and "c.Exchange.root" in text


def test_release_assignment_uses_the_course_local_exchange_without_warnings(fresh_course):
    root, _ = fresh_course
    proc = nbgrader("release_assignment", "foundations", root=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (root / "exchange/nlp-2026/outbound/foundations/foundations.ipynb").is_file()
    assert "No nbgrader_config.py file found" not in proc.stdout + proc.stderr


def test_an_instructors_config_is_never_rewritten(fresh_course):
    root, _ = fresh_course
    config = root / "nbgrader_config.py"
    config.write_text(config.read_text() + "# the instructor's own line\n")
    output = _run("build", "foundations", "--nbgrader-course", str(root))
    assert "wrote" not in output and "# the instructor's own line" in config.read_text()


def _check_cells(root, student: str) -> list[str]:
    graded = root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    return [
        "".join(o.get("text", "") for o in c.outputs)
        for c in nbformat.read(graded, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("check_")
    ]


def test_check_cells_say_each_thing_once(graded_course):
    """An untouched function's cell says "not implemented yet" once (not again as a cause's
    label), and an unreadable notebook's reason is said in the first check cell, the others
    pointing there, not repeated in every one."""
    for text in _check_cells(graded_course, "cy"):
        assert text.lower().count("not implemented yet") == 1, text
    first, *rest = _check_cells(graded_course, "dee")
    problem = next(
        line.strip() for line in first.splitlines()[1:] if "JSON" in line or "read" in line
    )
    assert rest and all(problem not in text and "see " in text for text in rest), rest[0]


def test_a_notebook_nbgraders_converter_refuses_costs_that_student_alone(tmp_path):
    """First in the class, a notebook with a cell whose nbgrader metadata nbgrader does not
    know (a grade_id worth 100 points): nbgrader's converter refuses it. Does the command
    still exit 0, record that student with 0 and the reason, and everyone after them?"""
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "dlnlp-test"\n'
    )
    _run("build", ASSIGNMENT, "--nbgrader-course", str(root))
    bonus = nbformat.read(REPO / "examples" / ASSIGNMENT / "perfect.ipynb", as_version=4)
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100,
                                 "locked": False, "solution": False, "task": False,
                                 "schema_version": 3}  # fmt: skip
    bonus.cells.insert(3, cell)
    for student, nb in [("aaa", bonus), ("ada", None)]:
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        if nb is None:
            shutil.copy(
                REPO / "examples" / ASSIGNMENT / "perfect.ipynb", folder / f"{ASSIGNMENT}.ipynb"
            )
        else:
            nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
    result = CliRunner().invoke(
        main, ["grade", ASSIGNMENT, "--nbgrader-course", str(root)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "aaa: nbgrader could not take this notebook" in result.output
    exported = _export(root)
    assert float(exported["aaa"]["raw_score"]) == 0
    assert float(exported["ada"]["raw_score"]) == 10
    first, *_ = _check_cells(root, "aaa")
    assert "nbgrader could not take this notebook" in first and "it scores 0" in first
    assert "nbgrader cell" in first or "failed to validate" in first  # nbgrader's own reason
    page = (root / "feedback" / "aaa" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "nbgrader could not take this notebook" in page
