"""Grade a class: collect -> for each submission: read, extract, static check, run the hidden
tests against its sandboxed worker, score -> write results.json + feedback.html; then grades.csv.

One bad submission never stops the batch: whatever happens, every student gets a results.json
and a row in grades.csv.
"""

from __future__ import annotations

import ctypes
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from dlnlp.config import AssignmentConfig, Limits
from dlnlp.course import Course
from dlnlp.grade import hidden_tests, scoring
from dlnlp.grade.collect import Submission, collect
from dlnlp.grade.extract import UnreadableNotebook, extract, read_notebook
from dlnlp.grade.hidden_tests import HiddenTest, Outcome
from dlnlp.grade.session import Session, StudentProxy
from dlnlp.grade.static_check import banned_uses
from dlnlp.render.feedback import write_feedback
from dlnlp.render.grades_csv import write_grades_csv
from dlnlp.render.gradescope import write_results_json
from dlnlp.results import Results, points
from dlnlp.sandbox.client import Zygote

log = logging.getLogger("dlnlp.grade")
_PR_SET_DUMPABLE = 4


@dataclass
class Assignment:
    """Everything the trusted side needs to grade one assignment."""

    id: str
    config: AssignmentConfig
    limits: Limits
    test_dir: Path
    tests: list[HiddenTest]
    points: dict[str, float]

    @classmethod
    def load(cls, course: Course, assignment_id: str) -> Assignment:
        config = course.config()
        acfg = config.assignment(assignment_id)
        test_dir = course.hidden_tests(assignment_id)
        if not test_dir.is_dir():
            raise FileNotFoundError(f"{test_dir}: no hidden tests for {assignment_id}")
        order = list(acfg.functions)
        tests = sorted(
            hidden_tests.collect(test_dir),
            key=lambda t: order.index(t.function) if t.function in order else len(order),
        )
        return cls(
            assignment_id,
            acfg,
            config.limits_for(assignment_id),
            test_dir,
            tests,
            scoring.points_table(acfg, tests, str(course.config_path)),
        )

    @property
    def functions(self) -> list[str]:
        return list(self.config.functions)

    @property
    def banned(self) -> dict[str, list[str]]:
        return {fn: cfg.banned for fn, cfg in self.config.functions.items()}


def grade_submission(a: Assignment, zygote: Zygote, sub: Submission) -> Results:
    """Grade one notebook. Never raises for anything the submission does."""
    start = time.monotonic()
    results = Results(student=sub.student, assignment=a.id, submission=sub.path.name)
    try:
        extracted = extract(read_notebook(sub.path), a.functions)
    except UnreadableNotebook as e:
        results.status, results.problems = "unreadable", [str(e)]
        outcomes = [
            Outcome(t, False, "unreadable", "not graded: the notebook could not be read")
            for t in a.tests
        ]
        return _finish(scoring.score(results, a.config, a.tests, outcomes, a.points, {}, {}), start)
    banned = {fn: banned_uses(extracted, fn, a.banned[fn]) for fn in a.functions}
    call_seconds = {fn: c.call_seconds for fn, c in a.config.functions.items() if c.call_seconds}
    session = Session(zygote, extracted, a.banned, a.limits, call_seconds)
    try:
        outcomes = hidden_tests.run(a.test_dir, StudentProxy(session))
    finally:
        session.close()
    for fn, hits in session.banned_hits.items():
        banned[fn] = banned.get(fn, []) + [h for h in hits if h not in banned.get(fn, [])]
    notes: dict[str, list[str]] = {fn: [why] for fn, why in extracted.missing.items()}
    for fn, how in extracted.found_by.items():
        if how == "name":
            notes.setdefault(fn, []).append(
                "found by name, not by its nbgrader cell (was the cell copied or its metadata lost?)"
            )
    for fn, err in session.fatal.items():
        notes.setdefault(fn, []).append(err.message)
    for fn in a.functions:
        mine = [o for o in outcomes if o.test.function == fn]
        if mine and all(o.student_kind == "not_implemented" for o in mine):
            notes.setdefault(fn, []).append("not implemented yet")
    results.problems = extracted.problems + [f"loading: {p}" for p in session.load_problems]
    results.isolation = session.layers
    return _finish(
        scoring.score(results, a.config, a.tests, outcomes, a.points, banned, notes), start
    )


def _finish(results: Results, start: float) -> Results:
    results.execution_time = time.monotonic() - start
    return results


def write_outputs(results: Results, out_dir: Path) -> None:
    folder = out_dir / results.student
    write_results_json(results, folder / "results.json")
    write_feedback(results, folder / "feedback.html")


def grade_batch(
    course: Course, assignment_id: str, paths: list[Path], out_dir: Path
) -> list[Results]:
    """Grade every submission under `paths` into `out_dir`; return the Results in order."""
    course.config().assignment(assignment_id)  # an unknown id is the first thing to report
    return grade_submissions(course, assignment_id, collect(paths, assignment_id), out_dir)


def grade_submissions(
    course: Course,
    assignment_id: str,
    submissions: list[Submission],
    out_dir: Path,
    extra_secrets: list[Path] = (),
) -> list[Results]:
    """Grade these submissions into `out_dir`, with a grading.log; return the Results in order."""
    a = Assignment.load(course, assignment_id)
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out_dir / "grading.log", mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        return _grade_all(a, course, submissions, out_dir, list(extra_secrets))
    finally:
        log.removeHandler(handler)
        handler.close()


def _grade_all(
    a: Assignment,
    course: Course,
    submissions: list[Submission],
    out_dir: Path,
    extra_secrets: list[Path],
) -> list[Results]:
    # the grader's memory holds the hidden tests: no same-user ptrace or /proc/<pid>/mem reads
    ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    secrets = [
        *course.secrets(),
        out_dir,
        *extra_secrets,
        *{s.path.resolve().parent for s in submissions},
    ]
    banned_all = sorted({b for bs in a.banned.values() for b in bs})
    all_results: list[Results] = []
    with Zygote(
        banned_all, [str(s) for s in secrets], a.limits.memory_mb, int(a.limits.total_seconds) + 10
    ) as zygote:
        probe = zygote.spawn()
        layers = probe.layers
        probe.kill()
        log.info(
            "isolation layers: %s",
            ", ".join(
                f"{k}={'on' if v else 'OFF'}" + (f" (ABI {v})" if k == "landlock" and v else "")
                for k, v in layers.items()
            ),
        )
        if not (layers.get("landlock") or layers.get("mount_namespace")):
            log.warning(
                "neither Landlock nor a mount namespace is in force: student code can read what this user can read"
            )
        for i, sub in enumerate(submissions, 1):
            try:
                results = grade_submission(a, zygote, sub)
            except Exception as e:  # a bug of ours must not cost the rest of the class their grades
                log.exception("internal error grading %s", sub.path)
                results = Results(
                    student=sub.student,
                    assignment=a.id,
                    submission=sub.path.name,
                    problems=[
                        f"internal grading error ({type(e).__name__}); your instructor has been told"
                    ],
                )
                results = scoring.score(results, a.config, a.tests, [], a.points, {}, {})
            write_outputs(results, out_dir)
            all_results.append(results)
            log.info(
                "[%d/%d] %s: %s/%s %s",
                i,
                len(submissions),
                sub.student,
                points(results.score),
                points(results.max_score),
                results.status_message(),
            )
    write_grades_csv(all_results, a.functions, out_dir / "grades.csv")
    return all_results
