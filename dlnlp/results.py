"""The one results object. results.json (Gradescope's schema), grades.csv, feedback.html and the
terminal table are renderings of it (see dlnlp/render/)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dlnlp.verdicts import Incident, Verdict


def points(x: float) -> str:
    """Points for people: at most two decimals, no trailing zeros (0.67, 4, 5.33)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


# The one rounding rule: every score is a whole number of hundredths of a point ("cents"), set
# once where it is made (a function's points split over its checks, a check's partial credit);
# every total is then the exact sum of its parts, as Gradescope, grades.csv, the gradebook and
# the feedback all show them (no 9.999999999999998, no 5.33 of parts adding up to 5.34).


def cents(x: float) -> int:
    """`x` points in hundredths, rounded half up (scores already in hundredths come back whole)."""
    return math.floor(x * 100 + 0.5)


def add(values: Iterable[float]) -> float:
    """The exact sum of scores in hundredths (0.67 + 0.67 + 0.66 is 2.0, not 2.0000000000000004)."""
    return sum(cents(v) for v in values) / 100


def split(total: float, n: int) -> list[float]:
    """`total` points over n checks in hundredths that add up to it exactly: the largest
    remainder goes to the first ones (2 over 3: 0.67, 0.67, 0.66)."""
    whole, extra = divmod(cents(total), n)
    return [(whole + (i < extra)) / 100 for i in range(n)]


def credit_points(max_score: float, credit: float) -> float:
    """The points a check's share `credit` of `max_score` is worth, in hundredths."""
    return math.floor(cents(max_score) * credit + 0.5) / 100


HINT = "Hint: "  # a recognised mistake's output starts with (or, for partial credit, holds) this


class _Model(BaseModel):
    # a field this version does not know is an error, not dropped: a grading record written
    # before verdicts were data (fields `kind`, `output`, `notes`) fails to load and is graded
    # again, rather than read as if every check had passed
    model_config = ConfigDict(extra="forbid")


class TestResult(_Model):
    """One hidden check of one submission. What went wrong is data (`verdict`, `hint`, `banned`,
    `message`); `output` is its student-facing text, rendered from them."""

    name: str  # "function: what it checks"
    function: str
    test: str  # the pytest function name, the key for per-test points
    score: float
    max_score: float
    status: Literal["passed", "failed"]
    verdict: Verdict = Verdict.PASSED
    credit: float = 1.0  # the share of max_score given (partial credit in between)
    hint: str = ""  # mistake | partial: the catalogued mistake's hint
    banned: list[str] = Field(default_factory=list)  # banned: the APIs used
    message: str = ""  # any other failure: the student's own error, the limit hit, what did not run
    traceback: str = ""  # the student's traceback, trimmed to their cells

    @property
    def output(self) -> str:
        """What the student reads for this check (results.json's `output`)."""
        if self.verdict == Verdict.PASSED:
            return "passed"
        if self.verdict == Verdict.MISTAKE:
            return f"{HINT}{self.hint}"
        if self.verdict == Verdict.PARTIAL:
            return f"Partial credit ({self.credit:.0%}). {HINT}{self.hint}"
        if self.verdict == Verdict.BANNED and not self.banned:
            # banned in an object another graded function made (a kept model): the kit's message
            # names that function and the API
            return f"0 points: {self.message}"
        if self.verdict == Verdict.BANNED:
            return f"0 points: {self.function} uses {', '.join(self.banned)}, which is not allowed here"
        return self.message


class Failure(_Model):
    """What stopped a function's calls for the rest of the submission (a limit, a crash...)."""

    verdict: Verdict
    message: str


class FunctionScore(_Model):
    """One graded function's points, and what the student is told about it as a whole."""

    name: str
    score: float
    max_score: float
    passed: int
    total: int
    banned: list[str] = Field(default_factory=list)  # APIs it used that it may not: 0 points
    missing: str = ""  # why it was not found in the notebook ("" when it was)
    found_by_name: bool = False  # found by its def, not by its nbgrader cell (metadata lost?)
    failure: Failure | None = None  # the limit or crash that stopped its calls
    not_implemented: bool = False  # every check raised NotImplementedError: the stub as released

    @property
    def notes(self) -> list[str]:
        """The function's notes as the student reads them, most important first."""
        return self.said(found_by_name=self.found_by_name)

    def said(self, found_by_name: bool = False) -> list[str]:
        """The notes, with the found-by-name remark only when `found_by_name` (it is no
        problem of the student's code: the report's incidents leave it out)."""
        out = []
        if self.banned:
            out.append(
                f"uses {', '.join(self.banned)}, which is not allowed: 0 points for this function"
            )
        if self.missing:
            out.append(self.missing)
        if found_by_name:
            out.append(
                "found by name, not by its nbgrader cell (was the cell copied or its metadata lost?)"
            )
        if self.failure is not None:
            out.append(self.failure.message)
        if self.not_implemented:
            out.append("not implemented yet")
        return out

    def status(self) -> list[str]:
        """What went wrong, in a few words each, for grades.csv's one-line status."""
        out = [f"uses {', '.join(self.banned)}"] if self.banned else []
        out += ["not found"] if self.missing else []
        out += [self.failure.verdict.label.lower()] if self.failure is not None else []
        out += ["not implemented yet"] if self.not_implemented else []
        return [f"{self.name}: {s}" for s in out]


class Results(_Model):
    student: str
    assignment: str
    submission: str  # file name of the notebook graded
    submission_notes: list[str] = Field(default_factory=list)  # which notebook was picked, and why
    status: Literal["graded", "unreadable"] = "graded"
    score: float = 0.0
    max_score: float = 0.0
    functions: list[FunctionScore] = Field(default_factory=list)
    tests: list[TestResult] = Field(default_factory=list)
    # notebook-level, for the student: syntax errors, code the policy refused, why unreadable
    problems: list[str] = Field(default_factory=list)
    load_problems: list[str] = Field(default_factory=list)  # what loading the code reported
    internal_error: str = ""  # our grader failed on this submission: what went wrong
    isolation: dict = Field(default_factory=dict)  # the sandbox layers that were in force
    execution_time: float = 0.0

    def add_up(self) -> Results:
        """Set the total and the maximum from the functions' scores (exact sums). -> self"""
        self.score = add(f.score for f in self.functions)
        self.max_score = add(f.max_score for f in self.functions)
        return self

    def texts(self, function: str) -> list[str]:
        """Everything the student reads about `function`'s failures: its failed tests' outputs
        and its notes (what a mutant's hint is looked for in)."""
        failed = [t.output for t in self.tests if t.function == function and t.status == "failed"]
        return failed + [n for f in self.functions if f.name == function for n in f.notes]

    def notebook_notes(self) -> list[str]:
        """The notes about the notebook as a whole, as the student reads them."""
        out = self.submission_notes + self.problems + [f"loading: {p}" for p in self.load_problems]
        if self.internal_error:
            out.append(
                f"internal grading error ({self.internal_error}); your instructor has been told"
            )
        return out

    def status_message(self) -> str:
        """One line for grades.csv: ok, or what went wrong."""
        if self.status == "unreadable":
            return "unreadable notebook: " + (self.problems[0] if self.problems else "")
        issues = [s for f in self.functions for s in f.status()] + self.problems
        if self.internal_error:
            issues.append(f"internal grading error ({self.internal_error})")
        return "; ".join(issues) if issues else "ok"

    def incidents(self) -> set[Incident]:
        """What went wrong in grading this submission, beyond wrong answers: timeout, memory,
        crash, banned, unreadable, internal error."""
        found = {t.verdict.incident for t in self.tests if t.verdict.incident}
        if self.status == "unreadable":
            found.add(Incident.UNREADABLE)
        if self.internal_error:
            found.add(Incident.INTERNAL_ERROR)
        return found

    def summary(self, shown: Callable[[TestResult], bool] | None = None, total: bool = True) -> str:
        """The student-facing summary at the top of the feedback and of Gradescope's page.

        `shown(test)`: is the test visible to the student from the start (default: all are)?
        Only those are counted, since a count over a test shown later ("5/6 checks passed")
        tells that it failed; a function's notes (a timeout, a crash) may come from any of its
        tests, so they are said only when all its tests are shown. `total`: give the score,
        which is said only when every test is shown (it counts them all); else the points of
        the tests shown.
        """
        seen = [t for t in self.tests if shown is None or shown(t)]
        if not total:
            first = "the score is shown when your results are released."
        elif len(seen) == len(self.tests):
            first = f"{points(self.score)} / {points(self.max_score)} points."
        else:
            first = (
                f"{points(add(t.score for t in seen))} / {points(add(t.max_score for t in seen))}"
                " points from the checks shown now (the total is shown with the others)."
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
                f"- {f.name}: {points(add(t.score for t in seen))} / "
                f"{points(add(t.max_score for t in seen))} "
                f"({sum(t.status == 'passed' for t in seen)}/{len(seen)} checks passed)"
                if seen
                else f"- {f.name}: its checks are listed on their own once shown"
            )
        if held_back:
            lines.append(
                "Counted here: the checks shown from the start; the others are listed on their"
                " own once shown."
            )
        lines = self.submission_notes + lines  # which notebook was graded, before anything else
        lines += [f"Note: {p}" for p in self.notebook_notes()[len(self.submission_notes) :]]
        return "\n".join(lines)
