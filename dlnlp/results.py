"""The one results object. results.json (Gradescope's schema), grades.csv, feedback.html and the
terminal table are renderings of it (see dlnlp/render/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field


def points(x: float) -> str:
    """Points for people: at most two decimals, no trailing zeros (0.67, 4, 5.33)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


HINT = "Hint: "  # a recognised mistake's output starts with (or, for partial credit, holds) this


class TestResult(BaseModel):
    name: str  # "function: what it checks"
    function: str
    test: str  # the pytest function name, the key for per-test points
    score: float
    max_score: float
    status: Literal["passed", "failed"]
    # passed | partial | mistake | failed | banned | unreadable, or what the student's code did:
    # exception | not_implemented | missing | timeout | total_timeout | memory | crash | load | lost
    kind: str = "passed"
    output: str = ""  # student-facing: a hint, their own error, or the limit hit
    traceback: str = ""  # the student's traceback, trimmed to their cells


class FunctionScore(BaseModel):
    name: str
    score: float
    max_score: float
    passed: int
    total: int
    notes: list[str] = Field(default_factory=list)  # banned API, limit hit, missing, found by name


class Results(BaseModel):
    student: str
    assignment: str
    submission: str  # file name of the notebook graded
    status: Literal["graded", "unreadable"] = "graded"
    score: float = 0.0
    max_score: float = 0.0
    functions: list[FunctionScore] = Field(default_factory=list)
    tests: list[TestResult] = Field(default_factory=list)
    problems: list[str] = Field(
        default_factory=list
    )  # notebook-level: syntax errors, failed imports
    isolation: dict = Field(default_factory=dict)  # the sandbox layers that were in force
    execution_time: float = 0.0

    def texts(self, function: str) -> list[str]:
        """Everything the student reads about `function`'s failures: its failed tests' outputs
        and its notes (what a mutant's hint is looked for in)."""
        failed = [t.output for t in self.tests if t.function == function and t.status == "failed"]
        return failed + [n for f in self.functions if f.name == function for n in f.notes]

    def status_message(self) -> str:
        """One line for grades.csv: ok, or what went wrong."""
        if self.status == "unreadable":
            return "unreadable notebook: " + (self.problems[0] if self.problems else "")
        issues = [
            n if n.startswith(f.name) else f"{f.name}: {n}"
            for f in self.functions
            for n in f.notes
            if not n.startswith("found by name")
        ]
        issues += [
            p for p in self.problems if not p.startswith("loading:")
        ]  # syntax errors, internal errors
        return "; ".join(issues) if issues else "ok"

    def incidents(self) -> set[str]:
        """What went wrong in grading this submission, beyond wrong answers: timeout, memory,
        crash, banned, unreadable, internal error."""
        kinds = {
            "timeout": "timeout",
            "total_timeout": "timeout",
            "memory": "memory",
            "crash": "crash",
            "protocol": "crash",
            "banned": "banned",
        }
        found = {kinds[t.kind] for t in self.tests if t.kind in kinds}
        if self.status == "unreadable":
            found.add("unreadable")
        if any(p.startswith("internal grading error") for p in self.problems):
            found.add("internal error")
        return found

    def summary(self, shown: Callable[[TestResult], bool] | None = None, total: bool = True) -> str:
        """The student-facing summary at the top of the feedback and of Gradescope's page.

        `shown(test)`: is the test visible to the student from the start (default: all are)?
        Only those are counted, since a count over a test shown later ("5/6 checks passed")
        tells that it failed; a function's notes (a timeout, a crash) may come from any of its
        tests, so they are said only when all its tests are shown. `total`: give the score.
        """
        first = (
            f"{points(self.score)} / {points(self.max_score)} points."
            if total
            else "the score is shown when your results are released."
        )
        lines = [f"{self.assignment}: {first}"]
        held_back = False
        for f in self.functions:
            mine = [t for t in self.tests if t.function == f.name]
            seen = [t for t in mine if shown is None or shown(t)]
            if len(seen) == len(mine):
                lines.append(
                    f"- {f.name}: {points(f.score)} / {points(f.max_score)} "
                    f"({f.passed}/{f.total} checks passed)" + "".join(f"\n    {n}" for n in f.notes)
                )
                continue
            held_back = True
            lines.append(
                f"- {f.name}: {points(sum(t.score for t in seen))} / "
                f"{points(sum(t.max_score for t in seen))} "
                f"({sum(t.status == 'passed' for t in seen)}/{len(seen)} checks passed)"
                if seen
                else f"- {f.name}: its checks are listed on their own once shown"
            )
        if held_back:
            lines.append(
                "Counted here: the checks shown from the start; the others are listed on their"
                " own once shown."
            )
        lines += [f"Note: {p}" for p in self.problems]
        return "\n".join(lines)

    def to_gradescope(
        self, visibility: Callable[[TestResult], str] | None = None, default: str | None = None
    ) -> dict:
        """Gradescope's results.json: https://gradescope-autograders.readthedocs.io/en/latest/specs/

        `visibility(test)` gives each test's visibility; `default` the submission's. The
        top-level output counts only the tests that are `visible`, and gives the score only when
        the submission is (Gradescope shows the rest later, each entry on its own).
        """
        tests = []
        for t in self.tests:
            entry = {
                "name": t.name,
                "score": t.score,
                "max_score": t.max_score,
                "status": t.status,
                "output": t.output
                + (f"\n\nYour code's traceback:\n{t.traceback}" if t.traceback else ""),
            }
            if visibility is not None:
                entry["visibility"] = visibility(t)
            tests.append(entry)
        data = {
            "score": self.score,
            "execution_time": round(self.execution_time, 3),
            "output": self.summary(
                shown=None if visibility is None else (lambda t: visibility(t) == "visible"),
                total=default in (None, "visible"),
            ),
            "tests": tests,
        }
        if default is not None:
            data["visibility"] = default
        return data
