"""Results -> feedback.html for the student: what to work on first, then per function the checks
passed and failed. Failures are grouped by what went wrong (a recognised mistake's hint, their
own error trimmed to their cells, the limit hit, a banned API), so one cause is said once.
Nothing hidden is ever in Results, so nothing hidden can reach the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dlnlp.files import atomic_write
from dlnlp.render import html_templates
from dlnlp.results import FunctionScore, Results, TestResult
from dlnlp.verdicts import Verdict

_env = html_templates("dlnlp.render")


@dataclass
class Cause:
    """One thing that went wrong in a function, and the checks it failed."""

    label: str
    css: str
    message: str
    traceback: str
    tests: list[TestResult] = field(default_factory=list)
    noted: bool = False  # said already as the function's note (a stub, a banned API, a limit)


@dataclass
class FunctionView:
    f: FunctionScore
    state: str  # full | partial | zero
    causes: list[Cause]
    passed: list[TestResult]

    @property
    def lost(self) -> float:
        return self.f.max_score - self.f.score


def _causes(f: FunctionScore, tests: list[TestResult]) -> list[Cause]:
    causes: dict[tuple[str, str, str], Cause] = {}
    for t in tests:
        v = t.verdict
        # the label says "Hint" already; a hint's text alone is the message
        message = t.hint if v == Verdict.MISTAKE else t.output
        # said once already, as the function's note (a banned API, a stub, a missing function,
        # the limit that stopped it)
        noted = (
            f.failure is not None and v == f.failure.verdict and t.message == f.failure.message
        ) or bool(f.notes and v in (Verdict.NOT_IMPLEMENTED, Verdict.BANNED, Verdict.MISSING))
        message = "" if noted else message
        # a stub's traceback only points at its own `raise NotImplementedError()`
        trace = "" if v == Verdict.NOT_IMPLEMENTED else t.traceback
        key = (v.label, message, trace)
        causes.setdefault(key, Cause(v.label, v.css, message, trace, noted=noted)).tests.append(t)
    return list(causes.values())


def view(results: Results) -> list[FunctionView]:
    out = []
    for f in results.functions:
        mine = [t for t in results.tests if t.function == f.name]
        state = "full" if f.score >= f.max_score else ("zero" if f.score == 0 else "partial")
        failed = [t for t in mine if t.status != "passed"]
        passed = [t for t in mine if t.status == "passed"]
        out.append(FunctionView(f, state, _causes(f, failed), passed))
    return out


def check_name(t: TestResult) -> str:
    """ "function: what it checks" -> "what it checks"."""
    return t.name.split(": ", 1)[-1]


_env.filters["check"] = check_name


def render_feedback(results: Results) -> str:
    functions = view(results)
    todo = sorted((v for v in functions if v.lost > 0), key=lambda v: -v.lost)
    return _env.get_template("feedback.html.j2").render(r=results, functions=functions, todo=todo)


def write_feedback(results: Results, path: Path) -> None:
    atomic_write(path, render_feedback(results))
