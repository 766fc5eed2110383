"""Outcomes of the hidden tests + the points table -> Results."""

from __future__ import annotations

from collections import defaultdict

from dlnlp.config import AssignmentConfig, ConfigError
from dlnlp.grade.hidden_tests import HiddenTest, Outcome
from dlnlp.grade.untrusted import OUTPUT, clip, clip_traceback
from dlnlp.results import HINT, FunctionScore, Results, TestResult


def points_table(
    assignment: AssignmentConfig, tests: list[HiddenTest], where: str
) -> dict[str, float]:
    """Points per test: per-test points from the config, the rest of a function's points split
    equally over its other tests. Raises ConfigError when config and tests disagree."""
    by_fn: dict[str, list[HiddenTest]] = defaultdict(list)
    for t in tests:
        by_fn[t.function].append(t)
    unknown = set(by_fn) - set(assignment.functions)
    untested = set(assignment.functions) - set(by_fn)
    if unknown or untested:
        raise ConfigError(
            f"{where}: grader_config.yaml and the hidden tests disagree: "
            + "; ".join(
                [f"tests for unconfigured function {f}" for f in sorted(unknown)]
                + [f"no hidden tests for {f}" for f in sorted(untested)]
            )
        )
    table: dict[str, float] = {}
    for fn, cfg in assignment.functions.items():
        names = {t.test for t in by_fn[fn]}
        if set(cfg.tests) - names:
            raise ConfigError(
                f"{where}: functions.{fn}.tests names unknown tests: {sorted(set(cfg.tests) - names)}"
            )
        rest = [t for t in by_fn[fn] if t.test not in cfg.tests]
        share = (cfg.points - sum(cfg.tests.values())) / len(rest) if rest else 0.0
        for t in by_fn[fn]:
            table[f"{fn}::{t.test}"] = cfg.tests.get(t.test, share)
    return table


def score(
    results: Results,
    assignment: AssignmentConfig,
    tests: list[HiddenTest],
    outcomes: list[Outcome],
    points: dict[str, float],
    banned: dict[str, list[str]],
    notes: dict[str, list[str]],
    functions: list[str] | None = None,
) -> Results:
    """Fill `results` with per-test and per-function scores (of `functions`, default all).

    `banned[f]`: banned APIs found in f (statically or at run time): all of f's tests score 0.
    `notes[f]`: extra student-facing notes for f (missing, limit hit, found by name).
    """
    functions = list(assignment.functions) if functions is None else functions
    got = {(o.test.function, o.test.test): o for o in outcomes}
    for t in tests:
        if t.function not in functions:
            continue
        o = got.get((t.function, t.test)) or Outcome(t, False, "failed", "this check did not run")
        max_points = points[f"{t.function}::{t.test}"]
        if banned.get(t.function):
            kind, output = (
                "banned",
                f"0 points: {t.function} uses {', '.join(banned[t.function])}, which is not allowed here",
            )
        else:
            # a failure of the student's code is kept by its cause (timeout, memory, exception...)
            kind = (o.student_kind or o.kind) if o.kind == "student" else o.kind
            output = {
                "passed": "passed",
                "mistake": f"{HINT}{o.message}",
                "partial": f"Partial credit ({o.credit:.0%}). {HINT}{o.message}",
            }.get(o.kind, o.message)
        passed = o.passed and kind != "banned"
        credit = 0.0 if kind == "banned" else o.credit
        results.tests.append(
            TestResult(
                name=t.name,
                function=t.function,
                test=t.test,
                score=max_points * credit,
                max_score=max_points,
                status="passed" if passed else "failed",
                kind=kind,
                output=clip(output, OUTPUT),
                traceback=clip_traceback(o.traceback) if not passed else "",
            )
        )
    for fn in functions:
        mine = [r for r in results.tests if r.function == fn]
        fn_notes = list(notes.get(fn, []))
        if banned.get(fn):
            fn_notes.insert(
                0, f"uses {', '.join(banned[fn])}, which is not allowed: 0 points for this function"
            )
        results.functions.append(
            FunctionScore(
                name=fn,
                score=round(sum(r.score for r in mine), 6),
                max_score=round(sum(r.max_score for r in mine), 6),
                passed=sum(r.status == "passed" for r in mine),
                total=len(mine),
                notes=fn_notes,
            )
        )
    results.score = round(sum(f.score for f in results.functions), 6)
    results.max_score = round(sum(f.max_score for f in results.functions), 6)
    return results
