"""A class's Results -> the numbers the report shows. Pure functions, no I/O: the plots, the
tables and the tests all read these."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass

from dlnlp.results import Results, TestResult
from dlnlp.verdicts import Incident


@dataclass(frozen=True)
class Summary:
    submissions: int
    mean: float
    median: float
    best: float  # the highest score anyone got
    max_score: float  # the points available


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class PassRate:
    key: str  # "function::test", the column of the test matrix
    name: str  # "function: what it checks"
    function: str
    max_score: float
    passed: int  # submissions that passed it in full
    total: int  # submissions it was run for (unreadable ones included: they scored 0 too)
    mean_score: float

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass(frozen=True)
class Misconception:
    hint: str  # the hint text, without "Hint: "
    function: str
    students: int  # submissions that got this hint (once each, however many tests gave it)
    tests: int  # tests that gave it, over all submissions


@dataclass(frozen=True)
class IncidentRow:
    student: str
    what: list[str]  # the incidents' words: "timed out", "used a banned API"...
    details: str  # the notes the student saw (which function, which API, which limit)


@dataclass(frozen=True)
class IncidentGroup:
    """One cause of incidents: what happened, where, to whom, and what the first one saw."""

    what: str  # "timed out", "used a banned API"...
    where: str  # the function, or "" for the notebook as a whole (unreadable, internal error)
    students: list[str]  # in the class's order
    example: str  # the notes the first student read about it


def key_of(t: TestResult) -> str:
    """The test's id, as in grader_config's points table: "function::test"."""
    return f"{t.function}::{t.test}"


def summary(results: list[Results]) -> Summary:
    scores = [r.score for r in results]
    return Summary(
        submissions=len(results),
        mean=statistics.fmean(scores),
        median=statistics.median(scores),
        best=max(scores),
        max_score=max(r.max_score for r in results),
    )


def score_bins(results: list[Results], max_bins: int = 20) -> list[Bin]:
    """Counts of total scores in bins of a round width (1, 2, 5, 10, 20, 50... points) from 0 up
    to the points available, at most `max_bins` of them; full marks land in the last bin."""
    top = max(r.max_score for r in results) or 1.0
    width = next(w * 10**e for e in range(9) for w in (1, 2, 5) if top / (w * 10**e) <= max_bins)
    n = max(1, math.ceil(top / width - 1e-9))
    counts = Counter(min(int(r.score / width + 1e-9), n - 1) for r in results)
    return [Bin(i * width, (i + 1) * width, counts[i]) for i in range(n)]


def pass_rates(results: list[Results]) -> list[PassRate]:
    """Per hidden test, in the order the tests run: how many submissions passed it in full."""
    by_key: dict[str, list[TestResult]] = {}
    for r in results:
        for t in r.tests:
            by_key.setdefault(key_of(t), []).append(t)
    return [
        PassRate(
            key=key,
            name=ts[0].name,
            function=ts[0].function,
            max_score=max(t.max_score for t in ts),
            passed=sum(t.status == "passed" for t in ts),
            total=len(ts),
            mean_score=statistics.fmean(t.score for t in ts),
        )
        for key, ts in by_key.items()
    ]


def hint_of(t: TestResult) -> str | None:
    """The hint of a recognised mistake (in full or for partial credit), else None."""
    return t.hint.strip() or None if t.verdict.hinted else None


def misconceptions(results: list[Results]) -> list[Misconception]:
    """The hints the class got, most frequent first (by submissions, then by tests)."""
    students: Counter[tuple[str, str]] = Counter()
    tests: Counter[tuple[str, str]] = Counter()
    for r in results:
        mine = {(t.function, h) for t in r.tests if (h := hint_of(t))}
        students.update(mine)
        tests.update((t.function, h) for t in r.tests if (h := hint_of(t)))
    found = [Misconception(h, fn, n, tests[fn, h]) for (fn, h), n in students.items()]
    return sorted(found, key=lambda m: (-m.students, -m.tests, m.function, m.hint))


def grading_times(results: list[Results]) -> list[tuple[str, float]]:
    """(student, seconds its grading took), slowest first."""
    return sorted(((r.student, r.execution_time) for r in results), key=lambda x: (-x[1], x[0]))


def incidents(results: list[Results]) -> list[IncidentRow]:
    """The submissions that hit a limit, used a banned API, crashed or could not be read."""
    return [
        IncidentRow(r.student, [i.value for i in Incident if i in found], _as_seen(r))
        for r in results
        if (found := r.incidents())
    ]


def incident_groups(results: list[Results]) -> list[IncidentGroup]:
    """The incidents grouped by cause (what happened, and in which function), most frequent
    first: one row per cause however large the class, with one example of what was said."""
    groups: dict[tuple[str, str], list[Results]] = {}
    for r in results:
        # an unreadable notebook or an internal error is the notebook's, not each function's
        whole = (Incident.UNREADABLE, Incident.INTERNAL_ERROR)
        causes = {(t.verdict.incident, t.function) for t in r.tests if t.verdict.incident}
        causes = {(i, fn) for i, fn in causes if i not in whole}
        causes |= {(i, "") for i in whole if i in r.incidents()}
        for incident in Incident:  # in the enumeration's order, as the counts plot lists them
            for where in sorted(fn for i, fn in causes if i == incident):
                groups.setdefault((incident.value, where), []).append(r)
    out = []
    for (what, where), rs in groups.items():
        first = rs[0]
        if where:  # the function's notes, else what its first such check said
            notes = next((f.said() for f in first.functions if f.name == where), [])
            notes = (
                notes
                or [t.output for t in first.tests if t.function == where and t.verdict.incident][:1]
            )
        else:
            notes = first.notebook_notes()
        out.append(IncidentGroup(what, where, [r.student for r in rs], "; ".join(notes)))
    return sorted(out, key=lambda g: -len(g.students))


def _as_seen(r: Results) -> str:
    """The notes the student read, each function's after its name (the found-by-name remark
    left out: it is no incident), then the notebook's."""
    said = [f"{f.name}: {'; '.join(notes)}" for f in r.functions if (notes := f.said())]
    return "; ".join(said + r.notebook_notes())


def incident_counts(results: list[Results]) -> dict[str, int]:
    """Submissions per kind of incident, every kind listed (zeros too: "no timeouts" is news)."""
    return {i.value: sum(i in r.incidents() for r in results) for i in Incident}
