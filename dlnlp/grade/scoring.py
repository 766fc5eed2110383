"""Outcomes of the hidden tests + the points table -> Results."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from dlnlp.config import AssignmentConfig, ConfigError
from dlnlp.grade.hidden_tests import HiddenTest, Outcome
from dlnlp.grade.untrusted import OUTPUT, clip, clip_traceback
from dlnlp.results import FunctionScore, Results, TestResult, add, credit_points, split
from dlnlp.verdicts import Verdict

if TYPE_CHECKING:
    from dlnlp.grade.assignment import Assignment


def points_table(
    assignment: AssignmentConfig, tests: list[HiddenTest], where: str
) -> dict[str, float]:
    """Points per test: per-test points from the config, the rest of a function's points split
    equally over its other tests, in hundredths that add up exactly (2 over 3: 0.67, 0.67,
    0.66). Raises ConfigError when config and tests disagree."""
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
        # the rest in hundredths that add up to the function's points (results.split)
        shares = iter(split(cfg.points - add(cfg.tests.values()), len(rest)) if rest else [])
        for t in by_fn[fn]:
            table[f"{fn}::{t.test}"] = (
                add([cfg.tests[t.test]]) if t.test in cfg.tests else next(shares)
            )
    return table


def score(
    results: Results,
    a: Assignment,
    outcomes: list[Outcome],
    banned: dict[str, list[str]] | None = None,
    functions: list[str] | None = None,
    about: dict[str, dict] | None = None,
) -> Results:
    """Fill `results` with per-test and per-function scores of assignment `a`'s `functions`
    (default all) from the hidden tests' `outcomes` (a test without one did not run).

    `banned[f]`: banned APIs found in f (statically or at run time): all of f's tests score 0.
    `about[f]`: what the student is told about f as a whole, as FunctionScore fields (missing,
    found_by_name, failure).
    """
    functions = list(a.config.functions) if functions is None else functions
    banned = banned or {}
    got = {(o.test.function, o.test.test): o for o in outcomes}
    for t in a.tests:
        if t.function in functions:
            o = got.get((t.function, t.test)) or Outcome(
                t, Verdict.NOT_RUN, "this check did not run"
            )
            results.tests.append(
                _test_result(t, o, a.points[f"{t.function}::{t.test}"], banned.get(t.function))
            )
    for fn in functions:
        mine = [r for r in results.tests if r.function == fn]
        results.functions.append(
            FunctionScore(
                name=fn,
                score=add(r.score for r in mine),
                max_score=add(r.max_score for r in mine),
                passed=sum(r.status == "passed" for r in mine),
                total=len(mine),
                banned=banned.get(fn, []),
                not_implemented=bool(mine)
                and all(r.verdict == Verdict.NOT_IMPLEMENTED for r in mine),
                **(about or {}).get(fn, {}),
            )
        )
    return results.add_up()


def _test_result(
    t: HiddenTest, o: Outcome, max_points: float, banned: list[str] | None
) -> TestResult:
    """One test's row: a banned function scores 0 whatever its outcome; texts are clipped."""
    if banned:
        return TestResult(
            name=t.name,
            function=t.function,
            test=t.test,
            score=0.0,
            max_score=max_points,
            status="failed",
            verdict=Verdict.BANNED,
            credit=0.0,
            banned=banned,
        )
    text = clip(o.message, OUTPUT)
    return TestResult(
        name=t.name,
        function=t.function,
        test=t.test,
        score=credit_points(max_points, o.credit),
        max_score=max_points,
        status="passed" if o.passed else "failed",
        verdict=o.verdict,
        credit=o.credit,
        hint=text if o.verdict.hinted else "",
        message="" if o.passed or o.verdict.hinted else text,
        traceback="" if o.passed else clip_traceback(o.traceback),
    )
