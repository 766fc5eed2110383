"""Grade one submission: read, extract, static check, run the hidden tests against its
sandboxed worker, score. Never raises for anything the submission does."""

from __future__ import annotations

import time

from dlnlp.grade import hidden_tests, policy, scoring
from dlnlp.grade.assignment import Assignment
from dlnlp.grade.collect import Submission
from dlnlp.grade.extract import Extracted, UnreadableNotebook, extract, read_notebook
from dlnlp.grade.hidden_tests import Outcome
from dlnlp.grade.session import Session, StudentProxy
from dlnlp.grade.static_check import banned_uses
from dlnlp.grade.untrusted import ReadTooLong, clip, clip_problems, read_within
from dlnlp.results import Failure, Results
from dlnlp.sandbox.client import Spawner, Zygote
from dlnlp.verdicts import Verdict


def grade_submission(
    a: Assignment, zygote: Zygote | Spawner, sub: Submission, functions: list[str] | None = None
) -> Results:
    """Grade one notebook (only the tests of `functions`, default all). Never raises for
    anything the submission does."""
    start = time.monotonic()
    functions = a.functions if functions is None else functions
    tests = [t for t in a.tests if t.function in functions]
    results = Results(
        student=sub.student,
        assignment=a.id,
        submission=sub.path.name,
        submission_notes=clip_problems(list(sub.notes)),  # file names are the student's
    )
    try:
        with read_within():  # every step linear in the code, and bounded in time as well
            extracted = extract(read_notebook(sub.path), a.functions)
            refused = policy.enforce(extracted)  # code that breaks the policy is never loaded
            banned = {
                fn: refused.get(fn, []) + banned_uses(extracted, fn, a.banned[fn])
                for fn in functions
            }
    except (UnreadableNotebook, ReadTooLong) as e:
        results.status, results.problems = "unreadable", [clip(e)]
        outcomes = [
            Outcome(t, Verdict.UNREADABLE, "not graded: the notebook could not be read")
            for t in tests
        ]
        scoring.score(results, a, outcomes, functions=functions)
        return _finish(results, start)
    session = Session(zygote, extracted, a.banned, a.limits, a.call_seconds)
    try:
        outcomes = hidden_tests.run(
            a.test_dir,
            StudentProxy(session),
            None if functions == a.functions else functions,
            session.begin_function,
        )
    finally:
        session.close()
    for fn, hits in session.banned_hits.items():
        banned[fn] = banned.get(fn, []) + [h for h in hits if h not in banned.get(fn, [])]
    results.problems = extracted.said()
    results.load_problems = session.load_problems
    results.isolation = session.layers
    about = {fn: _about(fn, extracted, session) for fn in functions}
    scoring.score(results, a, outcomes, banned, functions, about)
    return _finish(results, start)


def _about(fn: str, extracted: Extracted, session: Session) -> dict:
    """What the student is told about `fn` as a whole (FunctionScore's fields)."""
    err = session.fatal.get(fn)
    return {
        "missing": extracted.missing.get(fn, ""),
        "found_by_name": extracted.found_by.get(fn) == "name",
        "failure": Failure(verdict=err.verdict, message=err.message) if err else None,
    }


def _finish(results: Results, start: float) -> Results:
    results.execution_time = time.monotonic() - start
    return results


def internal_error(a: Assignment, sub: Submission, what: str) -> Results:
    """The result of a submission our own code failed on: zero, and said so (never silent)."""
    results = Results(
        student=sub.student, assignment=a.id, submission=sub.path.name, internal_error=what
    )
    return scoring.score(results, a, [])
